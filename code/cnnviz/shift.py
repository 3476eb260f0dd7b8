"""Qué le pasa a cada capa de DigitCNN cuando el dígito se desplaza.

La convolución es equivariante a las traslaciones (desplazar la entrada
desplaza la salida); el max pooling da una invariancia aproximada (la salida
cambia poco con desplazamientos pequeños). Aquí se mide, en la red entrenada.
"""

from dataclasses import dataclass
from functools import lru_cache

import torch
import torch.nn.functional as F

LAYERS = ("conv1", "pool1", "conv2", "pool2")


def shift_right(pixels, d):
    """Imágenes (N, 1, H, W) con valores de 0 a 1 desplazadas ``d`` píxeles a la derecha.

    Por la izquierda entra fondo negro (0) y lo que sale por la derecha se pierde.
    """
    if d < 0 or d >= pixels.shape[-1]:
        raise ValueError(f"se esperaba un desplazamiento entre 0 y {pixels.shape[-1] - 1}; llegó {d}")
    return F.pad(pixels, (d, 0))[..., :pixels.shape[-1]]


@torch.no_grad()
def layer_outputs(model, x):
    """Salida de conv1 + ReLU, pool1, conv2 + ReLU y pool2, y las probabilidades."""
    conv1 = F.relu(model.conv1(x))
    pool1 = model.pool1(conv1)
    conv2 = F.relu(model.conv2(pool1))
    pool2 = model.pool2(conv2)
    probs = model.fc(pool2.flatten(1)).softmax(1)
    return {"conv1": conv1, "pool1": pool1, "conv2": conv2, "pool2": pool2, "probs": probs}


def relative_change(a, b):
    """‖a − b‖ / ‖b‖ (norma euclídea de todo el tensor)."""
    return float((a - b).norm() / b.norm())


@dataclass
class ShiftReport:
    shifts: list          # desplazamientos en píxeles
    change: dict          # capa -> cambio relativo para cada desplazamiento
    conv1_aligned: list   # cambio de conv1 tras devolver su mapa a su sitio
    prob: list            # probabilidad de la clase real para cada desplazamiento


def shift_report(model, pixels, label, normalize, shifts=range(5)):
    """Cambio de cada capa al desplazar el dígito ``pixels`` (1, 1, 28, 28; de 0 a 1).

    ``normalize`` lleva las intensidades a la escala de entrada de la red.
    conv1 no cambia de tamaño (relleno 2 con kernel 5): su mapa desplazado se
    compara, columna a columna, con el original desplazado lo mismo, sin las
    columnas en las que la ventana pisa el relleno.
    """
    base = layer_outputs(model, normalize(pixels))
    shifts = list(shifts)
    change = {name: [] for name in LAYERS}
    aligned, prob = [], []
    for d in shifts:
        out = layer_outputs(model, normalize(shift_right(pixels, d)))
        for name in LAYERS:
            change[name].append(relative_change(out[name], base[name]))
        # Columna c del mapa desplazado frente a la c − d del original, lejos del relleno
        width, pad = base["conv1"].shape[-1], model.conv1.padding[1]
        aligned.append(relative_change(out["conv1"][..., pad + d:width - pad],
                                       base["conv1"][..., pad:width - pad - d]))
        prob.append(float(out["probs"][0, label]))
    return ShiftReport(shifts, change, aligned, prob)


# El ejemplo de la página de teoría: un dígito de prueba desplazado de 0 a 4 píxeles
EXAMPLE_CLASS = 2
SHIFTS = tuple(range(5))
SHOWN_SHIFT = 3          # el desplazamiento que se dibuja


@lru_cache(maxsize=1)
def digit_example():
    """(píxeles (1, 1, 28, 28), clase, ShiftReport) del primer «2» de prueba bien clasificado."""
    from . import results
    x, y = results.examples((EXAMPLE_CLASS,))
    data = results.split()
    pixels = x * data.std + data.mean

    def normalize(p):
        return (p - data.mean) / data.std

    with results.one_thread():
        report = shift_report(results.model(), pixels, int(y[0]), normalize, SHIFTS)
    return pixels, int(y[0]), report, normalize
