"""Resultados de la CNN entrenada que dibujan las figuras y que cita el texto.

Cada función calcula una vez por proceso lo que muestra una figura de
«Visualización de características»; los datos de las páginas
(``cnnviz.site.facts``) redactan sus frases con estos mismos valores, así que
una figura y la frase que la describe no pueden contradecirse: si un
reentrenamiento cambia la figura, cambia la frase.

Todo se calcula con un solo hilo de PyTorch: con varios, el orden de las
sumas (y el último bit) puede variar de una ejecución a otra.
"""

import contextlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
from scipy.ndimage import binary_dilation
from scipy.spatial.distance import cdist

from .data import load_mnist_split
from .features.activations import activation_maps
from .features.actmax import (channel_objective, class_objective, maximize, neuron_objective,
                               top_activations)
from .features.embedding import embed_2d, feature_vectors
from .features.occlusion import OCCLUSION_PATCH, occlusion_scores
from .features.saliency import guided_backprop, saliency
from .training import trained_model

# Dígitos de ejemplo (sus clases) y parámetros de cada método
EXAMPLE_CLASSES = (0, 2, 4, 7)
CHANNEL_L2 = 0.1          # los canales responden menos que los logits: menos L2
N_CHANNELS = 16
NEAR_ZERO = 0.1           # activación media por debajo de la cual un canal «apenas responde»
EDGE_CORRELATION = 0.6    # correlación mínima con un borde recto para llamar borde a un filtro
STROKE_LEVEL = 0.5        # un píxel es del trazo si su intensidad (de 0 a 1) pasa de 0,5
NEIGHBORS = 10            # vecinos que deciden en qué grupo cae un punto de t-SNE


@contextlib.contextmanager
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@lru_cache(maxsize=1)
def split():
    """MNIST partido, cargado una sola vez por proceso."""
    return load_mnist_split()


@lru_cache(maxsize=1)
def model():
    """La CNN entrenada, sin gradiente en los pesos (solo se deriva respecto a la entrada)."""
    net, _ = trained_model()
    for p in net.parameters():
        p.requires_grad_(False)
    return net


def pixels(x):
    """De la escala normalizada a intensidades de 0 a 1: array (N, 28, 28)."""
    data = split()
    return (x[:, 0] * data.std + data.mean).numpy()


def stroke_mask(x, grow=1):
    """Píxeles del trazo y los que están a ``grow`` píxeles o menos: (N, 28, 28)."""
    return np.stack([binary_dilation(image > STROKE_LEVEL, iterations=grow) if grow
                     else image > STROKE_LEVEL for image in pixels(x)])


@lru_cache(maxsize=4)
def examples(classes=EXAMPLE_CLASSES):
    """Primer dígito de prueba bien clasificado de cada clase: (K, 1, 28, 28), (K,)."""
    net, data = model(), split()
    with one_thread(), torch.no_grad():
        preds = net(data.x_test).argmax(1)
    idx = [int(torch.nonzero((data.y_test == c) & (preds == c))[0]) for c in classes]
    return data.x_test[idx], data.y_test[idx]


# --- Filtros de conv1 ----------------------------------------------------------

def edge_correlation(kernel, n_angles=72):
    """Máxima |correlación| de un filtro cuadrado con un borde recto ideal.

    El borde ideal vale −1 a un lado y +1 al otro de una recta que pasa por el
    centro del filtro; se prueban ``n_angles`` orientaciones.
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    side = kernel.shape[0]
    r = np.arange(side) - (side - 1) / 2
    rows, cols = np.meshgrid(r, r, indexing="ij")
    w = kernel - kernel.mean()
    best = 0.0
    for angle in np.linspace(0, np.pi, n_angles, endpoint=False):
        edge = np.sign(cols * np.cos(angle) + rows * np.sin(angle))
        edge = edge - edge.mean()
        best = max(best, abs((w * edge).sum()) / np.sqrt((w * w).sum() * (edge * edge).sum()))
    return best


@dataclass(frozen=True)
class Conv1Filters:
    weights: np.ndarray       # (16, 5, 5)
    edge: np.ndarray          # (16,) correlación con el borde recto más parecido

    @property
    def edge_like(self):
        return self.edge >= EDGE_CORRELATION


@lru_cache(maxsize=1)
def conv1_filters():
    weights = model().conv1.weight.detach().numpy()[:, 0]
    return Conv1Filters(weights, np.array([edge_correlation(w) for w in weights]))


# --- Mapas de activación -------------------------------------------------------

@dataclass(frozen=True)
class Activations:
    x: torch.Tensor
    y: torch.Tensor
    maps: dict                # nombre de la capa -> (K, C, H, W)
    zero_fraction: dict       # nombre de la capa -> fracción de valores a cero
    relu1_on_stroke: np.ndarray   # (K,) fracción de la activación de conv1 + ReLU junto al trazo
    stroke_area: np.ndarray       # (K,) fracción de la imagen que ocupa esa zona


@lru_cache(maxsize=1)
def activations():
    x, y = examples(EXAMPLE_CLASSES[:3])
    with one_thread():
        maps = activation_maps(model(), x)
    zero = {name: float((m == 0).float().mean()) for name, m in maps.items()}
    near = stroke_mask(x)                                   # (K, 28, 28)
    relu1 = maps["relu1"].numpy()                           # (K, 16, 28, 28)
    on_stroke = (relu1 * near[:, None]).sum(axis=(1, 2, 3)) / relu1.sum(axis=(1, 2, 3))
    return Activations(x, y, maps, zero, on_stroke, near.mean(axis=(1, 2)))


# --- PCA y t-SNE ---------------------------------------------------------------

@dataclass(frozen=True)
class Embedding:
    labels: np.ndarray        # (N,) clase real
    preds: np.ndarray         # (N,) clase predicha
    confidence: np.ndarray    # (N,) probabilidad de la clase predicha
    points: dict              # "pca" / "tsne" -> (N, 2)
    dims: int                 # largo del vector de características
    nearest_same: dict        # "pca" / "tsne" / "vector" -> fracción con vecino más cercano de su clase
    misplaced: np.ndarray     # (N,) en t-SNE, la mayoría de sus vecinos es de otra clase


def _pair_distances(points):
    """Distancias al cuadrado entre todos los pares de puntos, (N, N), con la
    diagonal a infinito. Con ``cdist``: restar (N, 1, D) y (1, N, D) pediría
    N·N·D números (12 GB para 1000 vectores de 1568)."""
    dist = cdist(points, points, "sqeuclidean")
    np.fill_diagonal(dist, np.inf)
    return dist


def _nearest_same_class(points, labels):
    dist = _pair_distances(points)
    return float((labels[dist.argmin(1)] == labels).mean())


def _misplaced(points, labels, k=NEIGHBORS):
    """Puntos cuya clase no es la más frecuente entre sus ``k`` vecinos del plano."""
    dist = _pair_distances(points)
    neighbors = labels[np.argsort(dist, axis=1, kind="stable")[:, :k]]
    majority = np.array([np.bincount(row, minlength=10).argmax() for row in neighbors])
    return majority != labels


@lru_cache(maxsize=1)
def embedding():
    net, data = model(), split()
    with one_thread():
        features = feature_vectors(net, data.x_test)       # (N, 1568)
        with torch.no_grad():
            probs = net(data.x_test).softmax(1).numpy()
        points = {m: embed_2d(features, m, seed=0) for m in ("pca", "tsne")}
    labels = data.y_test.numpy()
    nearest = {m: _nearest_same_class(p, labels) for m, p in points.items()}
    nearest["vector"] = _nearest_same_class(features.astype(np.float64), labels)
    return Embedding(labels, probs.argmax(1), probs.max(1), points, features.shape[1],
                     nearest, _misplaced(points["tsne"], labels))


# --- Oclusión ------------------------------------------------------------------

@dataclass(frozen=True)
class Occlusion:
    x: torch.Tensor
    y: torch.Tensor
    background: float         # valor del parche: el negro, en la escala normalizada
    original: np.ndarray      # (K,) puntuación de la clase real sin parche
    heat: np.ndarray          # (K, P, P) puntuación con el parche en cada posición
    worst: list               # (fila, columna) de la esquina del peor parche, por dígito
    worst_pred: np.ndarray    # (K,) clase que predice la red con el peor parche
    worst_prob: np.ndarray    # (K,) probabilidad de esa clase
    changed: np.ndarray       # (K,) posiciones del parche con las que la red cambia de clase
    positions: int            # posiciones del parche en total


def covered_predictions(net, image, patch, background):
    """Clase que predice la red con el parche en cada posición: (P, P)."""
    side = image.shape[-1] - patch + 1
    batch = image.repeat(side * side, 1, 1, 1)             # (P*P, 1, 28, 28)
    for k in range(side * side):
        i, j = divmod(k, side)
        batch[k, :, i:i + patch, j:j + patch] = background
    return net(batch).argmax(1).view(side, side)


@lru_cache(maxsize=1)
def occlusion():
    net, data = model(), split()
    x, y = examples()
    background = (0 - data.mean) / data.std
    with one_thread(), torch.no_grad():
        original = net(x).gather(1, y[:, None])[:, 0].numpy()
        heat = occlusion_scores(net, x, y, patch=OCCLUSION_PATCH, stride=1,
                                baseline=background).numpy()
        worst = [np.unravel_index(h.argmin(), h.shape) for h in heat]
        covered = x.clone()
        for k, (i, j) in enumerate(worst):
            covered[k, :, i:i + OCCLUSION_PATCH, j:j + OCCLUSION_PATCH] = background
        probs = net(covered).softmax(1)
        preds = [covered_predictions(net, image, OCCLUSION_PATCH, background) for image in x]
    changed = np.array([int((p != label).sum()) for p, label in zip(preds, y)])
    return Occlusion(x, y, background, original, heat, [(int(i), int(j)) for i, j in worst],
                     probs.argmax(1).numpy(), probs.max(1).values.numpy(), changed,
                     preds[0].numel())


# --- Saliencia y retropropagación guiada -------------------------------------

@dataclass(frozen=True)
class Gradients:
    x: torch.Tensor
    y: torch.Tensor
    saliency: np.ndarray          # (K, 28, 28) gradiente con signo
    guided: np.ndarray            # (K, 28, 28)
    on_stroke: dict               # método -> (K,) fracción de |mapa| junto al trazo
    stroke_area: np.ndarray       # (K,)


def share_near_stroke(maps, x):
    """Fracción de la suma de |mapa| que cae sobre el trazo o a un píxel de él."""
    near = stroke_mask(x)
    values = np.abs(maps)
    return (values * near).sum(axis=(1, 2)) / values.sum(axis=(1, 2))


@lru_cache(maxsize=1)
def gradients():
    net = model()
    x, y = examples()
    with one_thread():
        grads = saliency(net, x, y).numpy()[:, 0]
        guided = guided_backprop(net, x, y).numpy()[:, 0]
    shares = {"saliencia": share_near_stroke(grads, x),
              "guiada": share_near_stroke(guided, x)}
    return Gradients(x, y, grads, guided, shares, stroke_mask(x).mean(axis=(1, 2)))


# --- Maximización de la activación ------------------------------------------

def bounds():
    """Píxeles negro y blanco en la escala normalizada: el rango de una imagen real."""
    data = split()
    return (0 - data.mean) / data.std, (1 - data.mean) / data.std


def class_templates():
    """El dígito medio de cada clase del entrenamiento: (10, 28, 28), normalizado."""
    data = split()
    x = data.x_train[:, 0].numpy()
    y = data.y_train.numpy()
    return np.stack([x[y == c].mean(0) for c in range(10)])


def template_class(images, templates):
    """Clase cuyo dígito medio más se correlaciona con cada imagen: (N,)."""
    a = np.asarray(images, dtype=np.float64).reshape(len(images), -1)
    t = templates.reshape(len(templates), -1).astype(np.float64)
    a = a - a.mean(1, keepdims=True)
    t = t - t.mean(1, keepdims=True)
    corr = (a @ t.T) / np.outer(np.linalg.norm(a, axis=1), np.linalg.norm(t, axis=1))
    return corr.argmax(1)


@dataclass(frozen=True)
class ClassImages:
    images: dict              # "sin" / "con" regularización -> (10, 1, 28, 28)
    probs: dict               # "sin" / "con" -> (10,) probabilidad de la clase buscada
    template: dict            # "sin" / "con" -> (10,) clase del dígito medio más parecido
    template_accuracy: float  # aciertos de ese clasificador de plantilla en prueba
    saturated: dict           # "sin" / "con" -> fracción de píxeles en negro o blanco puros


@lru_cache(maxsize=1)
def actmax_classes():
    net, data = model(), split()
    objective = class_objective(net, range(10))
    with one_thread():
        images = {"sin": maximize(objective, 10, jitter=0, blur_sigma=0, l2=0,
                                  bounds=bounds())[0],
                  "con": maximize(objective, 10, bounds=bounds())[0]}
        with torch.no_grad():
            probs = {k: net(v).softmax(1).diag().numpy() for k, v in images.items()}
    templates = class_templates()
    template = {k: template_class(v[:, 0].numpy(), templates) for k, v in images.items()}
    accuracy = float((template_class(data.x_test[:, 0].numpy(), templates)
                      == data.y_test.numpy()).mean())
    low, high = bounds()
    saturated = {k: float(np.mean(np.isclose(v.numpy(), low) | np.isclose(v.numpy(), high)))
                 for k, v in images.items()}
    return ClassImages(images, probs, template, accuracy, saturated)


@dataclass(frozen=True)
class ChannelImages:
    images: torch.Tensor      # (16, 1, 28, 28)
    values: np.ndarray        # (16,) activación media alcanzada


@lru_cache(maxsize=1)
def actmax_channels():
    net = model()
    objective = channel_objective(net, "conv2", range(N_CHANNELS))
    with one_thread():
        images, _ = maximize(objective, N_CHANNELS, l2=CHANNEL_L2, bounds=bounds())
        with torch.no_grad():
            values = objective(images).numpy()
    return ChannelImages(images, values)


# Ventana de la entrada que ve una neurona de conv2 (campo receptivo): conv1 de 5×5
# con relleno 2, pooling de 2×2 y conv2 de 3×3 con relleno 1 dan 10×10 píxeles; la
# neurona (i, j) de la salida de 14×14 ve las filas 2i − 4 … 2i + 5
CONV2_FIELD = 10
TOP_PATCHES = 3


def conv2_window(image, i, j):
    """Los 10×10 píxeles (de 0 a 1) que ve la neurona (i, j) de conv2; fuera de la
    imagen, negro. ``image``: (28, 28) en intensidades."""
    padded = np.pad(image, 4)                       # 4 píxeles de negro alrededor
    return padded[2 * i:2 * i + CONV2_FIELD, 2 * j:2 * j + CONV2_FIELD]


@dataclass(frozen=True)
class ChannelExamples:
    centre_images: torch.Tensor   # (16, 1, 28, 28) sintéticas que maximizan la neurona central
    centre_values: np.ndarray     # (16,) valor que alcanza en ellas la neurona central
    real_centre: np.ndarray       # (16,) máximo de la neurona central en los dígitos de prueba
    real_mean: np.ndarray         # (16,) máxima activación media de un dígito de prueba
    top_values: np.ndarray        # (16, 3) las neuronas del canal más activadas en prueba
    top_digits: np.ndarray        # (16, 3) clase real del dígito de cada una
    patches: np.ndarray           # (16, 3, 10, 10) lo que ve cada una (de 0 a 1)


@lru_cache(maxsize=1)
def channel_examples():
    """Neurona central de cada canal de conv2: imagen sintética y los dígitos de prueba
    que más activan el canal (los «ejemplos del conjunto de datos», Olah et al., 2017).
    Todo antes de ReLU, como la maximización."""
    net, data = model(), split()
    channels = range(N_CHANNELS)
    centre = neuron_objective(net, "conv2", channels)
    mean = channel_objective(net, "conv2", channels)
    with one_thread():
        images, _ = maximize(centre, N_CHANNELS, l2=CHANNEL_L2, bounds=bounds())
        with torch.no_grad():
            values = centre(images).numpy()
            maps = mean.upto(data.x_test)[:, :N_CHANNELS]           # (N, 16, 14, 14)
            real_centre = maps[:, :, 7, 7].amax(0).numpy()
            real_mean = maps.mean(dim=(2, 3)).amax(0).numpy()
            tops = [top_activations(net, data.x_test, "conv2", c, TOP_PATCHES) for c in channels]
    intensity = pixels(data.x_test)
    labels = data.y_test.numpy()
    return ChannelExamples(
        images, values, real_centre, real_mean,
        np.array([[v for v, *_ in top] for top in tops]),
        np.array([[labels[n] for _, n, _, _ in top] for top in tops]),
        np.array([[conv2_window(intensity[n], i, j) for _, n, i, j in top] for top in tops]))


# --- Convolución con varios canales de entrada (teoría) ------------------------

@dataclass(frozen=True)
class MultiChannel:
    digit: int
    inputs: np.ndarray        # (16, 14, 14) salida de pool1: la entrada de conv2
    kernels: np.ndarray       # (16, 3, 3) filtro K_{o,c} de cada canal de entrada
    contributions: np.ndarray  # (16, 14, 14) aporte de cada canal
    bias: float
    output: np.ndarray        # (14, 14) conv2(x)[o] antes de ReLU, calculado por PyTorch
    channel: int              # canal de salida o
    top: list                 # los canales de entrada que más aportan, de más a menos


def top_channels(contributions, n=3):
    """Los ``n`` canales de mayor aporte total en valor absoluto, de más a menos."""
    totals = np.abs(contributions).sum(axis=(1, 2))
    return [int(c) for c in np.argsort(-totals, kind="stable")[:n]]


@lru_cache(maxsize=1)
def multichannel():
    """El canal de conv2 que más se activa con un «2» de prueba, canal a canal."""
    from .layer_math import channel_contributions

    net = model()
    x, y = examples((2,))
    with one_thread(), torch.no_grad():
        inputs = net.pool1(torch.relu(net.conv1(x)))             # (1, 16, 14, 14)
        output = net.conv2(inputs)[0]                              # (32, 14, 14)
        channel = int(output.amax(dim=(1, 2)).argmax())
        parts = channel_contributions(net.conv2, inputs, channel)  # (16, 14, 14)
    parts = parts.numpy()
    return MultiChannel(int(y[0]), inputs[0].numpy(), net.conv2.weight[channel].numpy(),
                        parts, float(net.conv2.bias[channel]), output[channel].numpy(),
                        channel, top_channels(parts))
