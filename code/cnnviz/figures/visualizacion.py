"""Figuras de la página «Visualización de características».

Todas usan la misma red: ``trained_model()``, la CNN que entrena la
construcción, y los dígitos del conjunto de prueba.
"""

from functools import lru_cache

import numpy as np
import torch
from matplotlib.patches import Rectangle

from ..data import load_mnist_split
from ..features.activations import activation_maps
from ..features.actmax import channel_objective, class_objective, maximize
from ..features.embedding import embed_2d, feature_vectors
from ..features.occlusion import occlusion_scores
from ..features.saliency import guided_backprop, saliency
from ..training import trained_model
from .style import hide_ticks, new_figure, to_numpy

# Dígitos de ejemplo (clases) y parámetros de cada método
EXAMPLE_CLASSES = (0, 2, 4, 7)
OCCLUSION_PATCH = 8
CHANNEL_L2 = 0.1          # los canales responden menos que los logits: menos L2
N_CHANNELS = 16

STAGE_LABELS = {"relu1": "conv1 + ReLU", "pool1": "pool1",
                "relu2": "conv2 + ReLU", "pool2": "pool2"}


@lru_cache(maxsize=1)
def _split():
    """MNIST partido, cargado una sola vez por proceso (cargarlo cuesta ~1,5 s)."""
    return load_mnist_split()


def _model_and_data():
    model, _ = trained_model()
    for p in model.parameters():          # solo se deriva respecto a la entrada
        p.requires_grad_(False)
    return model, _split()


def _examples(model, split, classes=EXAMPLE_CLASSES):
    """Primer dígito de prueba bien clasificado de cada clase: (K, 1, 28, 28), (K,)."""
    with torch.no_grad():
        preds = model(split.x_test).argmax(1)
    idx = [int(torch.nonzero((split.y_test == c) & (preds == c))[0]) for c in classes]
    return split.x_test[idx], split.y_test[idx]


def _show_digit(ax, image, title):
    ax.imshow(to_numpy(image).squeeze(), cmap="gray")
    ax.set_title(title, fontsize=9)
    hide_ticks(ax)


def _montage(maps, n_cols):
    """Mapas (C, H, W) en una cuadrícula de ``n_cols`` columnas, con 1 píxel de separación."""
    maps = to_numpy(maps)
    c, h, w = maps.shape
    n_rows = -(-c // n_cols)
    grid = np.full((n_rows * (h + 1) - 1, n_cols * (w + 1) - 1), np.nan)
    for k, fmap in enumerate(maps):
        r, q = divmod(k, n_cols)
        grid[r * (h + 1):r * (h + 1) + h, q * (w + 1):q * (w + 1) + w] = fmap / (fmap.max() or 1)
    return grid


def fig_filtros_conv1():
    """Los 16 filtros de 5×5 de conv1, con una escala divergente centrada en 0."""
    model, _ = trained_model()
    weights = to_numpy(model.conv1.weight)[:, 0]          # (16, 5, 5)
    limit = float(np.abs(weights).max())
    fig = new_figure(9.5, 3.2)
    axes = fig.subplots(2, 8)
    for k, (ax, kernel) in enumerate(zip(axes.flat, weights)):
        image = ax.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"filtro {k}", fontsize=9)
        hide_ticks(ax)
    bar = fig.colorbar(image, ax=axes, shrink=0.9, pad=0.02)
    bar.set_label("peso (rojo +, azul −)")
    fig.suptitle("Los 16 filtros aprendidos de conv1 (5×5), con la misma escala "
                 "centrada en 0")
    return fig


def fig_mapas_activacion():
    """Mapas de activación tras cada conv + ReLU y cada pooling, para 3 dígitos."""
    model, split = _model_and_data()
    x, y = _examples(model, split, EXAMPLE_CLASSES[:3])
    maps = activation_maps(model, x)
    fig = new_figure(10, 7.2)
    widths = [1, 1.6, 1.6, 2.2, 2.2]
    axes = fig.subplots(3, 5, gridspec_kw={"width_ratios": widths})
    for row, (image, label) in enumerate(zip(x, y)):
        _show_digit(axes[row, 0], image, f"entrada: un {label.item()}\n28×28")
        for col, name in enumerate(maps, start=1):
            fmaps = maps[name][row]                        # (C, H, W)
            c, h, w = fmaps.shape
            ax = axes[row, col]
            ax.imshow(_montage(fmaps, n_cols=4 if c == 16 else 8), cmap="viridis",
                      vmin=0, vmax=1)
            ax.set_title(f"{STAGE_LABELS[name]}\n{c} mapas de {h}×{w}", fontsize=9)
            hide_ticks(ax)
    fig.suptitle("Mapas de activación capa a capa (cada mapa escalado a su máximo; "
                 "oscuro = 0)")
    return fig


def fig_pca_tsne():
    """PCA y t-SNE del vector final de características del conjunto de prueba."""
    model, split = _model_and_data()
    features = feature_vectors(model, split.x_test)        # (1000, 1568)
    labels = to_numpy(split.y_test)
    fig = new_figure(10, 4.8)
    axes = fig.subplots(1, 2)
    colors = [f"C{k}" for k in range(10)]
    titles = {"pca": "PCA: las 2 direcciones de mayor varianza",
              "tsne": "t-SNE: vecinos cercanos juntos"}
    axis_labels = {"pca": ("componente principal 1", "componente principal 2"),
                   "tsne": ("t-SNE 1", "t-SNE 2")}
    for ax, method in zip(axes, ("pca", "tsne")):
        points = embed_2d(features, method, seed=0)        # (1000, 2)
        for digit in range(10):
            sel = labels == digit
            ax.plot(points[sel, 0], points[sel, 1], "o", markersize=2.5, color=colors[digit],
                    label=str(digit), alpha=0.8, markeredgewidth=0)
        ax.set_title(titles[method])
        ax.set_xlabel(axis_labels[method][0])
        ax.set_ylabel(axis_labels[method][1])
    axes[1].legend(title="clase real", loc="center left", bbox_to_anchor=(1.01, 0.5),
                   markerscale=2.5, frameon=False)
    fig.suptitle(f"Vector de características de la última capa ({features.shape[1]} "
                 f"valores) de los {len(labels)} dígitos de prueba, en 2D")
    return fig


def fig_oclusion():
    """Puntuación de la clase real según dónde se tape el dígito, para 4 dígitos."""
    model, split = _model_and_data()
    x, y = _examples(model, split)
    background = (0 - split.mean) / split.std               # negro, en la escala normalizada
    with torch.no_grad():
        original = model(x).gather(1, y[:, None])[:, 0]
    scores = occlusion_scores(model, x, y, patch=OCCLUSION_PATCH, stride=1,
                              baseline=background)           # (4, P, P)
    half = OCCLUSION_PATCH / 2
    # Cada casilla del mapa se dibuja en el centro de su parche (coordenadas de píxel)
    extent = (half - 1, 28 - half, 28 - half, half - 1)
    fig = new_figure(10, 5.4)
    axes = fig.subplots(2, len(x))
    for col, (image, label) in enumerate(zip(x, y)):
        heat = to_numpy(scores[col])
        i, j = np.unravel_index(heat.argmin(), heat.shape)    # posición más dañina
        occluded = image.clone()
        occluded[:, i:i + OCCLUSION_PATCH, j:j + OCCLUSION_PATCH] = background
        ax = axes[0, col]
        _show_digit(ax, occluded, f"un {label.item()}: puntuación {original[col]:.1f}\n"
                                  f"con el peor parche: {heat.min():.1f}")
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), OCCLUSION_PATCH, OCCLUSION_PATCH,
                               fill=False, edgecolor="orange", linewidth=1.5))
        ax = axes[1, col]
        shown = ax.imshow(heat, cmap="viridis", extent=extent)
        ax.contour(to_numpy(image[0]), levels=[0.5], colors="white", linewidths=0.8)
        ax.set_xlim(-0.5, 27.5)
        ax.set_ylim(27.5, -0.5)
        ax.set_title(f"puntuación de «{label.item()}»\nsegún el parche",
                     fontsize=9)
        ax.set_xlabel("columna del centro (px)", fontsize=8)
        ax.set_ylabel("fila del centro (px)", fontsize=8)
        ax.tick_params(labelsize=7)
        bar = fig.colorbar(shown, ax=ax, shrink=0.85)
        bar.ax.tick_params(labelsize=7)
    fig.suptitle(f"Oclusión con un parche negro de {OCCLUSION_PATCH}×{OCCLUSION_PATCH}: "
                 "arriba, el parche que más baja la puntuación; abajo, la puntuación "
                 "para cada posición\n(oscuro: la red deja de reconocer el dígito; "
                 "línea blanca: contorno del dígito)", fontsize=10)
    return fig


def fig_saliencia():
    """Saliencia (|gradiente|) y retropropagación guiada para 4 dígitos."""
    model, split = _model_and_data()
    x, y = _examples(model, split)
    grads = to_numpy(saliency(model, x, y))[:, 0]            # (4, 28, 28)
    guided = to_numpy(guided_backprop(model, x, y))[:, 0]    # (4, 28, 28)
    fig = new_figure(9, 7.2)
    axes = fig.subplots(3, len(x))
    for col, (image, label) in enumerate(zip(x, y)):
        _show_digit(axes[0, col], image, f"entrada: un {label.item()}")
        axes[1, col].imshow(np.abs(grads[col]), cmap="magma")
        axes[1, col].set_title(f"saliencia: |gradiente de la\npuntuación de «{label.item()}»|",
                               fontsize=8)
        limit = float(np.abs(guided[col]).max())
        axes[2, col].imshow(guided[col], cmap="RdBu_r", vmin=-limit, vmax=limit)
        axes[2, col].set_title("retropropagación guiada\n(rojo +, azul −)", fontsize=8)
        for row in (1, 2):
            hide_ticks(axes[row, col])
    fig.suptitle("Qué píxeles cambian más la puntuación de la clase real")
    return fig


def fig_actmax_clases():
    """Entradas sintéticas que maximizan cada clase, sin y con regularización."""
    model, split = _model_and_data()
    bounds = ((0 - split.mean) / split.std, (1 - split.mean) / split.std)
    objective = class_objective(model, range(10))
    plain, _ = maximize(objective, 10, jitter=0, blur_sigma=0, l2=0, bounds=bounds)
    regular, _ = maximize(objective, 10, bounds=bounds)
    fig = new_figure(10, 2.9)
    axes = fig.subplots(2, 10)
    for row, (images, name) in enumerate(((plain, "sin\nregularizar"),
                                          (regular, "con\nregularización"))):
        with torch.no_grad():
            probs = model(images).softmax(1).diag()
        for digit in range(10):
            ax = axes[row, digit]
            ax.imshow(to_numpy(images[digit, 0]), cmap="gray")
            ax.set_title(f"«{digit}»: p = {probs[digit]:.2f}", fontsize=8)
            hide_ticks(ax)
        axes[row, 0].set_ylabel(name, fontsize=9)
    fig.suptitle("Maximización de la puntuación de cada clase (p: probabilidad que da "
                 "la red a esa clase; cada imagen con su propio contraste)", fontsize=10)
    return fig


def fig_actmax_canales():
    """Entradas sintéticas que maximizan 16 canales de conv2."""
    model, split = _model_and_data()
    bounds = ((0 - split.mean) / split.std, (1 - split.mean) / split.std)
    objective = channel_objective(model, "conv2", range(N_CHANNELS))
    images, _ = maximize(objective, N_CHANNELS, l2=CHANNEL_L2, bounds=bounds)
    with torch.no_grad():
        values = objective(images)
    fig = new_figure(10, 3.4)
    axes = fig.subplots(2, 8)
    for k, ax in enumerate(axes.flat):
        ax.imshow(to_numpy(images[k, 0]), cmap="gray")
        ax.set_title(f"canal {k}\nmedia = {values[k]:.2f}", fontsize=8)
        hide_ticks(ax)
    fig.suptitle(f"Maximización de la activación media de los canales 0–{N_CHANNELS - 1} "
                 "de conv2\n(media: activación media alcanzada; con jitter, desenfoque y L2; cada imagen con su propio contraste)")
    return fig

