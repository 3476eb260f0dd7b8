"""Figuras de la página «Visualización de características».

Todas usan la misma red, ``trained_model()``, y los dígitos del conjunto de
prueba. Lo que calculan sale de ``cnnviz.results``, de donde también sacan
sus valores las frases de la página que las describen.
"""

import matplotlib
import matplotlib.ticker
import numpy as np
from matplotlib.patches import Rectangle

from .. import results
from .scales import scale_bar
from .style import (current_variant, figure_width, fit_height, hide_ticks, new_figure, num,
                    scheme_colors, title, to_numpy)

STAGE_LABELS = {"relu1": "conv1 + ReLU", "pool1": "pool1",
                "relu2": "conv2 + ReLU", "pool2": "pool2"}
VIRIDIS = matplotlib.colormaps["viridis"]
# Color del marco de los filtros que se parecen a un borde y del peor parche
HIGHLIGHT = "#f28e2b"


def _show_digit(ax, image, title=None):
    ax.imshow(to_numpy(image).squeeze(), cmap="gray")
    if title:
        ax.set_title(title)
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
    filters = results.conv1_filters()
    limit = float(np.abs(filters.weights).max())
    narrow = current_variant().narrow
    n_rows, n_cols = (4, 4) if narrow else (2, 8)
    fig = new_figure(figure_width(), 4.3 if narrow else 2.6)
    axes = fig.subplots(n_rows, n_cols)
    for k, (ax, kernel) in enumerate(zip(axes.flat, filters.weights)):
        image = ax.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"filtro {k}", fontsize=8)
        hide_ticks(ax)
        if filters.edge_like[k]:
            for spine in ax.spines.values():
                spine.set_edgecolor(HIGHLIGHT)
                spine.set_linewidth(2.5)
    bar = fig.colorbar(image, ax=axes, shrink=0.9, pad=0.02)
    bar.set_label("peso (rojo +, azul −)")
    title(fig, "Los 16 filtros de conv1 (5×5), con la misma escala; marco naranja: "
          f"parecido a un borde recto (correlación ≥ {num(results.EDGE_CORRELATION, 1)})")
    return fit_height(fig)


def fig_mapas_activacion():
    """Mapas de activación tras cada conv + ReLU y cada pooling, para 3 dígitos.

    Por dígito, tres filas: la entrada con los mapas de conv1 y pool1, y debajo,
    a todo el ancho, los 32 mapas de conv2 y los de pool2: así cada mapa de la
    segunda capa se ve a ≈ 40 px y no a ≈ 20 px.
    """
    act = results.activations()
    colors = scheme_colors()
    narrow = current_variant().narrow
    # Columnas de la cuadrícula de cada etapa: (primera capa, segunda capa)
    cols = {"relu1": 4, "pool1": 4, "relu2": 8 if narrow else 16, "pool2": 8 if narrow else 16}
    fig = new_figure(figure_width(), 15.0 if narrow else 12.0)
    rows = fig.subfigures(len(act.x), 1, hspace=0.02)
    for row, (sub, image, label) in enumerate(zip(rows, act.x, act.y)):
        axes = sub.subplot_mosaic([["in", "relu1", "pool1"], ["relu2"] * 3, ["pool2"] * 3],
                                  height_ratios=[1.4, 1.0, 1.0] if narrow else [1.6, 0.7, 0.7])
        _show_digit(axes["in"], image, f"un {label.item()}\n(28×28)")
        for name in act.maps:
            fmaps = act.maps[name][row]                    # (C, H, W)
            c, h, w = fmaps.shape
            grid = _montage(fmaps, n_cols=cols[name])
            ax = axes[name]
            ax.imshow(grid, cmap=VIRIDIS.with_extremes(bad=colors["background"]), vmin=0,
                      vmax=1)
            # Arriba, en un tercio del ancho, en dos líneas; a todo el ancho, en una
            sep = "\n" if name in ("relu1", "pool1") else ": "
            ax.set_title(f"{STAGE_LABELS[name]}{sep}{c} de {h}×{w}")
            hide_ticks(ax)
            for spine in ax.spines.values():
                spine.set_visible(False)
    title(fig, "Mapas de activación capa a capa (cada mapa escalado a su máximo; "
          "oscuro = 0)")
    return fit_height(fig)


def fig_pca_tsne():
    """PCA y t-SNE del vector final de características del conjunto de prueba."""
    emb = results.embedding()
    narrow = current_variant().narrow
    fig = new_figure(figure_width(), 6.6 if narrow else 3.6)
    axes = fig.subplots(2, 1) if narrow else fig.subplots(1, 2)
    titles = {"pca": "PCA", "tsne": "t-SNE"}
    axis_labels = {"pca": ("componente principal 1", "componente principal 2"),
                   "tsne": ("t-SNE 1", "t-SNE 2")}
    for ax, method in zip(axes, ("pca", "tsne")):
        points = emb.points[method]
        for digit in range(10):
            sel = emb.labels == digit
            ax.plot(points[sel, 0], points[sel, 1], "o", markersize=2.2, color=f"C{digit}",
                    label=str(digit), alpha=0.85, markeredgewidth=0)
        ax.set_title(titles[method])
        if method == "tsne":   # rodear los puntos que caen entre vecinos de otra clase
            ax.plot(points[emb.misplaced, 0], points[emb.misplaced, 1], "o", markersize=6,
                    markerfacecolor="none", markeredgecolor=scheme_colors()["foreground"],
                    markeredgewidth=0.8, label="entre vecinos\nde otra clase")
        ax.set_xlabel(axis_labels[method][0])
        ax.set_ylabel(axis_labels[method][1])
    fig.legend(*axes[1].get_legend_handles_labels(), title="clase real", loc="outside right",
               markerscale=2, frameon=False, handletextpad=0.2)
    title(fig, f"Vector final de características ({emb.dims} valores) de los "
          f"{len(emb.labels)} dígitos de prueba, en 2D")
    return fit_height(fig)


def fig_oclusion():
    """Puntuación de la clase real según dónde se tape el dígito, para 4 dígitos."""
    occ = results.occlusion()
    patch = results.OCCLUSION_PATCH
    half = patch / 2
    # Cada casilla del mapa se dibuja en el centro de su parche (coordenadas de píxel)
    extent = (half - 1, 28 - half, 28 - half, half - 1)
    narrow = current_variant().narrow
    per_row = 2 if narrow else 4
    fig = new_figure(figure_width(), 7.6 if narrow else 4.2)
    n_blocks = len(occ.x) // per_row
    axes = fig.subplots(2 * n_blocks, per_row)
    for k, (image, label) in enumerate(zip(occ.x, occ.y)):
        block, col = divmod(k, per_row)
        ax_digit, ax_heat = axes[2 * block, col], axes[2 * block + 1, col]
        i, j = occ.worst[k]
        digit = label.item()
        pred = occ.worst_pred[k]
        _show_digit(ax_digit, image, f"un {digit} → «{pred}»\np = {num(occ.worst_prob[k])}")
        # El parche se dibuja translúcido: se ve el trazo que tapa
        ax_digit.add_patch(Rectangle((j - 0.5, i - 0.5), patch, patch, facecolor=HIGHLIGHT,
                                     alpha=0.45, edgecolor=HIGHLIGHT, linewidth=1.5))
        shown = ax_heat.imshow(occ.heat[k], cmap="viridis", extent=extent)
        ax_heat.contour(results.pixels(image[None])[0], levels=[results.STROKE_LEVEL],
                        colors="white", linewidths=0.8)
        ax_heat.plot(j + half - 0.5, i + half - 0.5, "x", color=HIGHLIGHT, markersize=7,
                     markeredgewidth=2)
        ax_heat.set_xlim(-0.5, 27.5)
        ax_heat.set_ylim(27.5, -0.5)
        hide_ticks(ax_heat)
        ax_heat.set_title(f"sin parche: {num(occ.original[k], 1)}")
        # Debajo del mapa, con su propia escala: el título de encima queda libre
        bar = fig.colorbar(shown, ax=ax_heat, location="bottom", shrink=0.9, pad=0.03,
                           aspect=12)
        bar.ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
            lambda value, _: num(value, 0)))
        bar.ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(3))
    title(fig, f"Oclusión con un parche negro de {patch}×{patch}. Dígito → clase que "
          "predice la red con el peor parche (naranja) y su probabilidad p. Mapa: puntuación "
          "de la clase real con el parche centrado en cada píxel (×: el peor), cada mapa "
          "con su propia escala")
    return fit_height(fig)


def fig_saliencia():
    """Saliencia (|gradiente|) y retropropagación guiada para 4 dígitos."""
    grads = results.gradients()
    narrow = current_variant().narrow
    per_row = 2 if narrow else 4
    n_blocks = len(grads.x) // per_row
    fig = new_figure(figure_width(), 9.4 if narrow else 5.6)
    axes = fig.subplots(3 * n_blocks, per_row)
    row_names = ("entrada", "saliencia\n|gradiente|", "retroprop.\nguiada")
    for k, (image, label) in enumerate(zip(grads.x, grads.y)):
        block, col = divmod(k, per_row)
        ax_in, ax_sal, ax_gb = (axes[3 * block + r, col] for r in range(3))
        _show_digit(ax_in, image, f"un {label.item()}")
        ax_sal.imshow(np.abs(grads.saliency[k]), cmap="magma")
        limit = float(np.abs(grads.guided[k]).max())
        ax_gb.imshow(grads.guided[k], cmap="RdBu_r", vmin=-limit, vmax=limit)
        for ax in (ax_sal, ax_gb):
            hide_ticks(ax)
        if col == 0:
            for r, ax in enumerate((ax_in, ax_sal, ax_gb)):
                ax.set_ylabel(row_names[r])
    for r, signed in ((1, False), (2, True)):
        scale_bar(fig, [axes[3 * block + r, col] for block in range(n_blocks)
                        for col in range(per_row)], signed=signed,
                  label="con signo" if signed else "|gradiente|")
    title(fig, "Gradiente de la puntuación de la clase real respecto a cada píxel "
          "(saliencia: claro = grande; guiada: rojo +, azul −; cada mapa con su escala)")
    return fit_height(fig)


def fig_actmax_clases():
    """Entradas sintéticas que maximizan cada clase, sin y con regularización."""
    res = results.actmax_classes()
    narrow = current_variant().narrow
    fig = new_figure(figure_width(), 5.6 if narrow else 5.6)
    subs = fig.subfigures(2, 1)
    names = {"sin": "Sin regularizar", "con": "Con desplazamiento aleatorio, desenfoque y L2"}
    for sub, key in zip(subs, ("sin", "con")):
        axes = sub.subplots(2, 5)
        for digit, ax in enumerate(axes.flat):
            ax.imshow(to_numpy(res.images[key][digit, 0]), cmap="gray")
            ax.set_title(f"«{digit}»\np = {num(res.probs[key][digit])}", fontsize=8)
            hide_ticks(ax)
        title(sub, names[key], fontsize=9)
    title(fig, "Imagen que maximiza la puntuación de cada clase (p: probabilidad de "
          "esa clase; cada imagen con su propio contraste)")
    return fit_height(fig)


def fig_actmax_canales():
    """Entradas sintéticas que maximizan 16 canales de conv2."""
    res = results.actmax_channels()
    narrow = current_variant().narrow
    n_rows, n_cols = (4, 4) if narrow else (2, 8)
    fig = new_figure(figure_width(), 4.8 if narrow else 2.7)
    axes = fig.subplots(n_rows, n_cols)
    for k, ax in enumerate(axes.flat):
        ax.imshow(to_numpy(res.images[k, 0]), cmap="gray")
        ax.set_title(f"canal {k}\n{num(res.values[k])}", fontsize=8)
        hide_ticks(ax)
    title(fig, "Imagen que maximiza la activación media de los canales "
          f"0–{results.N_CHANNELS - 1} de conv2 (bajo el canal: activación media alcanzada)")
    return fit_height(fig)



def fig_actmax_ejemplos():
    """Neurona central de 16 canales de conv2: imagen sintética y dígitos reales."""
    res = results.channel_examples()
    narrow = current_variant().narrow
    per_row = 2 if narrow else 4                  # canales por fila
    n_rows = results.N_CHANNELS // per_row
    field = results.CONV2_FIELD
    low = (14 - field) // 2 + 2                   # ventana de la neurona central (7, 7)
    fig = new_figure(figure_width(), 10.5 if narrow else 5.8)
    subs = fig.subfigures(n_rows, per_row, wspace=0.04)
    for k, sub in enumerate(subs.flat):
        axes = sub.subplots(1, 1 + results.TOP_PATCHES)
        synthetic = to_numpy(res.centre_images[k, 0])[low:low + field, low:low + field]
        axes[0].imshow(synthetic, cmap="gray")
        for spine in axes[0].spines.values():
            spine.set_edgecolor(HIGHLIGHT)
            spine.set_linewidth(2)
        for ax, patch, digit in zip(axes[1:], res.patches[k], res.top_digits[k]):
            ax.imshow(patch, cmap="gray", vmin=0, vmax=1)
            ax.set_xlabel(f"un {digit}", fontsize=8, labelpad=1)
        for ax in axes:
            hide_ticks(ax)
        title(sub, f"canal {k}: {num(res.centre_values[k], 1)} frente a "
              f"{num(res.top_values[k, 0], 1)}", fontsize=8)
    title(fig, f"Neurona central de conv2 (antes de ReLU), canales 0–{results.N_CHANNELS - 1}: "
          f"imagen sintética (marco naranja) y los {results.TOP_PATCHES} dígitos de prueba "
          f"que más activan el canal, cada uno en la ventana de {field}×{field} píxeles que ve "
          "la neurona; sobre ellos, el valor sintético frente al mayor real")
    return fit_height(fig)
