"""Ejemplos del conjunto de datos (Zeiler y Fergus, 2014) y maximización de la activación
(Olah et al., 2017) para canales de varios fire modules.

El «conjunto de datos» son todas las fotos que trae scikit-image sin descargar
nada, enteras y en recortes (las cuatro esquinas y el centro, de la mitad del
lado): para cada canal elegido se buscan las posiciones de su mapa con mayor
activación y se recorta de la entrada el campo receptivo de cada una.
"""

import functools

import numpy as np
import torch
import torch.nn.functional as F

from .anatomy import formula_receptive_fields
from .preprocessing import MEAN_BGR, deprocess, preprocess
from .prediction import shared_model

POOL = ("astronaut", "chelsea", "coffee", "rocket", "camera", "hubble_deep_field",
        "immunohistochemistry", "retina", "colorwheel", "logo", "brick", "grass", "gravel",
        "page", "text", "clock", "moon", "coins", "motorcycle_left", "motorcycle_right")
# Nombre en español de cada foto, para el texto de la página
POOL_TITLES = {"astronaut": "astronauta", "chelsea": "gata", "coffee": "café",
               "rocket": "cohete", "camera": "fotógrafo", "hubble_deep_field": "cielo del Hubble",
               "immunohistochemistry": "tejido teñido", "retina": "retina",
               "colorwheel": "rueda de colores", "logo": "logotipo", "brick": "ladrillos",
               "grass": "hierba", "gravel": "grava", "page": "página", "text": "texto",
               "clock": "reloj", "moon": "luna", "coins": "monedas",
               "motorcycle_left": "moto (izquierda)", "motorcycle_right": "moto (derecha)"}
STAGES = ("fire4", "fire6", "fire8")
CHANNELS_PER_STAGE = 2
TOP_PATCHES = 4
ACTMAX_SIZE = 128          # lado de la imagen sintética (la red es convolucional)
ACTMAX_STEPS = 64


def _load_any(name):
    """Foto de scikit-image como RGB uint8 (gris repetido; RGBA compuesto sobre blanco)."""
    import skimage.data
    from skimage.color import rgba2rgb

    if name.startswith("motorcycle_"):
        left, right, _ = skimage.data.stereo_motorcycle()
        image = left if name == "motorcycle_left" else right
    else:
        image = getattr(skimage.data, name)()
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    elif image.shape[2] == 4:
        image = (rgba2rgb(image) * 255).round().astype(np.uint8)
    return np.asarray(image, dtype=np.uint8)


def crops(image):
    """La foto entera, sus cuatro esquinas y su centro (recortes de la mitad del lado)."""
    h, w = image.shape[:2]
    hh, hw = h // 2, w // 2
    return [("entera", image), ("arriba izq.", image[:hh, :hw]), ("arriba der.", image[:hh, hw:]),
            ("abajo izq.", image[hh:, :hw]), ("abajo der.", image[hh:, hw:]),
            ("centro", image[h // 4:h // 4 + hh, w // 4:w // 4 + hw])]


@functools.cache
def dataset():
    """Lista de (foto, recorte) y el tensor (N, 3, 227, 227) de sus entradas."""
    labels, inputs = [], []
    for name in POOL:
        for crop_name, crop in crops(_load_any(name)):
            labels.append((name, crop_name))
            inputs.append(preprocess(crop))
    return labels, torch.cat(inputs)


def _stage_outputs(x, stages=STAGES, chunk=20):
    """Salidas de ``stages`` para todas las imágenes, de ``chunk`` en ``chunk`` (menos memoria)."""
    model, parts = shared_model(), {name: [] for name in stages}
    with torch.no_grad():
        for batch in x.split(chunk):
            for name, module in model.named_children():
                batch = module(batch)
                if name in stages:
                    parts[name].append(batch)
                if name == stages[-1]:
                    break
    return {name: torch.cat(p) for name, p in parts.items()}


def _centre_in_input(model, stage, i):
    """Posición en la entrada del centro de la neurona i de ``stage`` (cada capa: s·i − p + (k − 1)/2)."""
    layers = []
    for name, m in model.named_children():
        if hasattr(m, "squeeze1x1"):
            layers.append((3, 1, 1))
        elif hasattr(m, "kernel_size"):
            k, p, s = (v if isinstance(v, int) else v[0] for v in (m.kernel_size, m.padding, m.stride))
            layers.append((k, p, s))
        if name == stage:
            break
    for k, p, s in reversed(layers):
        i = s * i - p + (k - 1) // 2
    return i


@functools.cache
def top_patches():
    """{etapa: [(canal, [(activación, foto, recorte, parche RGB en [0, 1])…])…]}.

    Canales elegidos: los ``CHANNELS_PER_STAGE`` de mayor activación máxima en
    todo el conjunto. Cada parche es el campo receptivo de la posición, como
    mucho uno por imagen.
    """
    labels, x = dataset()
    outputs, model = _stage_outputs(x), shared_model()
    fields = formula_receptive_fields(model)
    result = {}
    for stage, acts in outputs.items():
        peak = acts.amax(dim=(2, 3))                              # (N, C)
        channels = torch.argsort(peak.amax(dim=0), descending=True, stable=True)
        chosen = channels[:CHANNELS_PER_STAGE].tolist()
        half = fields[stage][0] // 2
        rows = []
        for c in chosen:
            order = torch.argsort(peak[:, c], descending=True, stable=True)[:TOP_PATCHES]
            patches = []
            for n in order.tolist():
                a = acts[n, c]
                flat = int(torch.argmax(a))
                i, j = divmod(flat, a.shape[1])
                ci, cj = _centre_in_input(model, stage, i), _centre_in_input(model, stage, j)
                image = deprocess(x[n])
                padded = np.pad(image, ((half, half), (half, half), (0, 0)), constant_values=0.5)
                patch = padded[ci:ci + 2 * half + 1, cj:cj + 2 * half + 1]
                patches.append((float(a.max()), labels[n][0], labels[n][1], patch))
            rows.append((c, patches))
        result[stage] = rows
    return result


def _blur(x, sigma=0.5):
    t = torch.arange(-2, 3, dtype=x.dtype)
    k = torch.exp(-t ** 2 / (2 * sigma ** 2))
    k = (k / k.sum()).to(x.dtype)
    c = x.shape[1]
    x = F.conv2d(F.pad(x, (2, 2, 0, 0), mode="replicate"), k.view(1, 1, 1, 5).repeat(c, 1, 1, 1), groups=c)
    return F.conv2d(F.pad(x, (0, 0, 2, 2), mode="replicate"), k.view(1, 1, 5, 1).repeat(c, 1, 1, 1), groups=c)


def maximize_channels(stage, channels, size=ACTMAX_SIZE, steps=ACTMAX_STEPS, lr=4.0, l2=1e-4,
                      jitter=4, seed=0):
    """Imágenes sintéticas que maximizan la activación media de cada canal: (K, H, W, 3) RGB en [0, 1].

    Ascenso por gradiente con desplazamiento aleatorio, L2 y un desenfoque suave
    tras cada paso; los píxeles se mantienen en el rango de una foto (0–255
    menos la media).
    """
    model = shared_model()
    modules = []
    for name, m in model.named_children():
        modules.append(m)
        if name == stage:
            break
    head = torch.nn.Sequential(*modules)
    for p in head.parameters():
        p.requires_grad_(False)
    mean = torch.tensor(MEAN_BGR).view(1, 3, 1, 1)
    gen = torch.Generator().manual_seed(seed)
    x = (10 * torch.randn(len(channels), 3, size, size, generator=gen)).requires_grad_(True)
    idx = torch.as_tensor(channels)
    opt = torch.optim.Adam([x], lr=lr)
    for _ in range(steps):
        dy, dx = torch.randint(-jitter, jitter + 1, (2,), generator=gen).tolist()
        out = head(torch.roll(x, shifts=(dy, dx), dims=(2, 3)))
        value = out[torch.arange(len(idx)), idx].mean(dim=(1, 2))
        loss = -(value - l2 * (x ** 2).mean(dim=(1, 2, 3))).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            x.copy_(_blur(x))
            x.copy_(torch.maximum(torch.minimum(x, 255 - mean), -mean))
    return np.stack([deprocess(xi) for xi in x.detach()]), value.detach().numpy()
