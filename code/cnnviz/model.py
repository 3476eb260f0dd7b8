"""Las dos CNN del sitio.

- ``Net``: la red de la entrada original, corregida (una capa convolucional,
  un max pooling y una capa totalmente conectada).
- ``DigitCNN``: la red que se entrena durante la construcción con MNIST y que
  usan las páginas de práctica, de visualización y el laboratorio.
"""

# --8<-- [start:imports]
import torch
import torch.nn as nn
import torch.nn.functional as F

from cnnviz.inputs import check_input   # errores claros si la entrada no vale
# --8<-- [end:imports]


# --8<-- [start:net]
class Net(nn.Module):

    def __init__(self, n_classes, input_size=8):
        super().__init__()
        # 1 canal de entrada (escala de grises), 32 mapas de características
        # de salida, kernel convolucional de 5x5
        self.conv1 = nn.Conv2d(1, 32, 5)
        # Max pooling: ventana de 2x2 y paso 2
        self.pool = nn.MaxPool2d(2, 2)
        # Tras conv1 el lado mide input_size - 4; tras el pooling, la mitad.
        # Con input_size = 8: 32 mapas de 2x2 = 32*4 valores.
        side = (input_size - 4) // 2
        if side < 1:
            raise ValueError(f"input_size debe ser >= 6; llegó {input_size}")
        self.input_size = input_size
        self.fc1 = nn.Linear(32 * side * side, n_classes)

    def forward(self, x):
        # Solo (N, 1, input_size, input_size) con valores finitos
        x = check_input(x, size=self.input_size)
        # conv + ReLU + pooling: (N, 1, 8, 8) -> (N, 32, 4, 4) -> (N, 32, 2, 2)
        x = self.pool(F.relu(self.conv1(x)))
        # Aplanar los mapas en un vector por imagen: (N, 32*2*2)
        x = x.view(x.size(0), -1)
        # Capa lineal: una puntuación por clase (sin ReLU: los logits
        # pueden ser negativos)
        return self.fc1(x)
# --8<-- [end:net]


# --8<-- [start:digitcnn]
class DigitCNN(nn.Module):
    """CNN para dígitos MNIST de 28x28: dos bloques conv + ReLU + pooling."""

    def __init__(self, n_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 5, padding=2)   # (N, 16, 28, 28)
        self.pool1 = nn.MaxPool2d(2)                   # (N, 16, 14, 14)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)   # (N, 32, 14, 14)
        self.pool2 = nn.MaxPool2d(2)                   # (N, 32, 7, 7)
        self.fc = nn.Linear(32 * 7 * 7, n_classes)     # (N, 10)

    def features(self, x):
        """Vector de características que recibe la capa final: (N, 1568)."""
        x = check_input(x, size=28)        # solo (N, 1, 28, 28) con valores finitos
        x = self.pool1(F.relu(self.conv1(x)))
        x = self.pool2(F.relu(self.conv2(x)))
        return x.flatten(1)

    def forward(self, x):
        return self.fc(self.features(x))
# --8<-- [end:digitcnn]


def layer_trace(model, input_shape):
    """Recorre los submódulos de ``model`` con una entrada de ceros.

    Devuelve una lista de filas (nombre, tipo, forma de salida, parámetros)
    en el orden en que se ejecutan.
    """
    rows = []

    def record(name):
        def hook(module, inputs, output):
            n_params = sum(p.numel() for p in module.parameters())
            rows.append((name, type(module).__name__, tuple(output.shape), n_params))
        return hook

    handles = [m.register_forward_hook(record(n))
               for n, m in model.named_children()]
    try:
        with torch.no_grad():
            model(torch.zeros(input_shape))
    finally:
        for h in handles:
            h.remove()
    return rows
