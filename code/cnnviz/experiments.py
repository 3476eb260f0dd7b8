"""Experimentos pequeños del cuaderno «Entrenar la CNN».

Un conjunto de validación separado del de entrenamiento, las curvas de
entrenamiento y validación por época, y variantes de ``DigitCNN`` con dropout
y con normalización por lotes para medir su efecto en estos datos.
"""

import torch

# --8<-- [start:variant_imports]
import torch.nn as nn
import torch.nn.functional as F

from cnnviz.model import check_input
# --8<-- [end:variant_imports]


def validation_split(x, y, n_val, seed=0):
    """Separa ``n_val`` imágenes al azar (con semilla) para validar; devuelve (x_tr, y_tr, x_val, y_val)."""
    if not 0 < n_val < len(x):
        raise ValueError(f"n_val debe estar entre 1 y {len(x) - 1}; llegó {n_val}")
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))
    val, tr = order[:n_val], order[n_val:]
    return x[tr], y[tr], x[val], y[val]


# --8<-- [start:variant]
class DigitCNNVariant(nn.Module):
    """``DigitCNN`` con dos añadidos opcionales.

    - ``batch_norm``: normalización por lotes (``nn.BatchNorm2d``) entre cada
      convolución y su ReLU.
    - ``dropout``: probabilidad de poner a cero cada característica antes de la
      capa final (``nn.Dropout``), solo al entrenar.
    Sin ninguno de los dos, es la misma red que ``DigitCNN``.
    """

    def __init__(self, n_classes=10, dropout=0.0, batch_norm=False):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 5, padding=2)                  # (N, 16, 28, 28)
        self.norm1 = nn.BatchNorm2d(16) if batch_norm else nn.Identity()
        self.pool1 = nn.MaxPool2d(2)                                  # (N, 16, 14, 14)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)                  # (N, 32, 14, 14)
        self.norm2 = nn.BatchNorm2d(32) if batch_norm else nn.Identity()
        self.pool2 = nn.MaxPool2d(2)                                  # (N, 32, 7, 7)
        self.drop = nn.Dropout(dropout)
        self.fc = nn.Linear(32 * 7 * 7, n_classes)                    # (N, 10)

    def forward(self, x):
        x = check_input(x, size=28)         # solo (N, 1, 28, 28) con valores finitos
        x = self.pool1(F.relu(self.norm1(self.conv1(x))))
        x = self.pool2(F.relu(self.norm2(self.conv2(x))))
        return self.fc(self.drop(x.flatten(1)))
# --8<-- [end:variant]


@torch.no_grad()
def loss_and_accuracy(model, x, y, batch_size=500):
    """Entropía cruzada media y exactitud de ``model`` (en modo evaluación) sobre (x, y)."""
    model.eval()
    logits = torch.cat([model(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])
    return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


class History:
    """Para ``train(..., on_epoch=history)``: pérdida y exactitud por época en entrenamiento y validación."""

    def __init__(self, x_train, y_train, x_val, y_val):
        self.data = {"train": (x_train, y_train), "val": (x_val, y_val)}
        self.loss = {"train": [], "val": []}
        self.accuracy = {"train": [], "val": []}

    def __call__(self, epoch, model):
        for name, (x, y) in self.data.items():
            loss, acc = loss_and_accuracy(model, x, y)
            self.loss[name].append(loss)
            self.accuracy[name].append(acc)

    def best_epoch(self):
        """Época (1, 2, …) con la menor pérdida de validación."""
        val = self.loss["val"]
        return val.index(min(val)) + 1
