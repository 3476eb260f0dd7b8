"""Figuras de los cuadernos de «Práctica» (reciben los datos como argumentos)."""

import matplotlib
import numpy as np

from ..spanish import integer
from .style import LAYER_COLORS, hide_ticks, new_figure, num, to_numpy


def fig_feature_maps(maps, titles, suptitle, cmap="gray", symmetric=True):
    """Una fila de mapas de características (K, H, W), cada uno con su título."""
    maps = to_numpy(maps)
    if maps.ndim != 3 or len(titles) != len(maps):
        raise ValueError(f"se esperaban mapas (K, H, W) y K títulos; llegó {maps.shape} "
                         f"y {len(titles)} títulos")
    fig = new_figure(2.4 * len(maps), 2.9)
    axes = np.atleast_1d(fig.subplots(1, len(maps)))
    for ax, fmap, title in zip(axes, maps, titles):
        if symmetric:
            limit = float(np.abs(fmap).max()) or 1.0
            ax.imshow(fmap, cmap=cmap, vmin=-limit, vmax=limit)
        else:
            ax.imshow(fmap, cmap=cmap, vmin=0)
        ax.set_title(f"{title}\n{fmap.shape[0]}×{fmap.shape[1]}", fontsize=9)
        hide_ticks(ax)
    fig.suptitle(suptitle)
    return fig


def fig_digits(images, labels, title, n=10):
    """Los primeros ``n`` dígitos con su etiqueta."""
    fig = new_figure(1.2 * n, 1.7)
    for ax, img, label in zip(fig.subplots(1, n), images[:n], labels[:n]):
        ax.imshow(to_numpy(img).squeeze(), cmap="gray")      # trazo blanco sobre negro
        ax.set_title(f"{int(label)}")
        hide_ticks(ax)
    fig.suptitle(title)
    return fig


def fig_loss_curve(losses, steps_per_epoch):
    """Pérdida por lote y su media por época."""
    losses = to_numpy(losses)
    steps = np.arange(1, len(losses) + 1)
    n_epochs = len(losses) // steps_per_epoch
    epoch_mean = losses[:n_epochs * steps_per_epoch].reshape(n_epochs, -1).mean(1)
    fig = new_figure(7, 3.4)
    ax = fig.add_subplot()
    ax.plot(steps, losses, color=LAYER_COLORS[0], alpha=0.35, linewidth=0.8,
            label="pérdida de cada lote")
    ax.plot((np.arange(n_epochs) + 1) * steps_per_epoch, epoch_mean, "o-",
            color=LAYER_COLORS[1], label="media de cada época")
    ax.set_yscale("log")
    ax.set_xlabel("paso de entrenamiento (lote)")
    ax.set_ylabel("entropía cruzada (escala log)")
    ax.set_title("Curva de pérdida durante el entrenamiento")
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def fig_per_class(per_class):
    """Sensibilidad (exhaustividad, *recall*) de cada clase, en barras desde 0.

    Es la fracción de los dígitos de esa clase que la red clasifica bien: la
    diagonal de la matriz de confusión dividida entre la suma de su fila.
    """
    per_class = to_numpy(per_class) * 100
    fig = new_figure(7, 3.0)
    ax = fig.add_subplot()
    bars = ax.bar(np.arange(len(per_class)), per_class, color=LAYER_COLORS[2])
    ax.bar_label(bars, labels=[num(v, 1) for v in per_class], fontsize=8)
    ax.set_xticks(np.arange(len(per_class)))
    ax.set_xlabel("clase real (dígito)")
    ax.set_ylabel("sensibilidad (%)")
    ax.set_ylim(0, 112)
    ax.set_yticks(range(0, 101, 20))
    ax.set_title("Sensibilidad (recall) por clase en prueba: % de cada dígito que la red acierta")
    return fig


def fig_confusion(confusion):
    """Matriz de confusión con los recuentos escritos en cada celda.

    Las celdas con 0 no se pintan (queda el fondo, también en modo oscuro) y
    el texto de cada celda es blanco o negro según la luminancia de su color.
    """
    from matplotlib.colors import Normalize

    from .restyle import luminance
    confusion = to_numpy(confusion)
    fig = new_figure(5.6, 5.0)
    ax = fig.add_subplot()
    logs = np.log1p(confusion.astype(float))
    norm = Normalize(0, logs.max())
    cmap = matplotlib.colormaps["Blues"]
    im = ax.imshow(np.where(confusion > 0, logs, np.nan), cmap=cmap, norm=norm)
    for (r, c), v in np.ndenumerate(confusion):
        if v:
            cell = cmap(norm(logs[r, c]))
            ax.text(c, r, str(v), ha="center", va="center", fontsize=8,
                    color="white" if luminance(cell) < 0.35 else "black")
    ax.set_xticks(range(len(confusion)))
    ax.set_yticks(range(len(confusion)))
    ax.set_xlabel("clase predicha")
    ax.set_ylabel("clase real")
    ax.set_title("Matriz de confusión (prueba)")
    fig.colorbar(im, ax=ax, shrink=0.8, label="log(1 + recuento)")
    return fig


def fig_predictions(images, labels, preds, n_cols=8, title=None):
    """Rejilla con todas las imágenes y «predicción (real)»: verde si acierta, rojo si no."""
    n = len(images)
    if not n == len(labels) == len(preds):
        raise ValueError(f"se esperaban tantas etiquetas y predicciones como imágenes ({n}); "
                         f"llegaron {len(labels)} y {len(preds)}")
    n_rows = -(-n // n_cols)
    fig = new_figure(1.3 * n_cols, 1.5 * n_rows + 0.4)
    axes = np.atleast_1d(fig.subplots(n_rows, n_cols)).ravel()
    for ax in axes[n:]:
        ax.axis("off")
    for ax, img, label, pred in zip(axes, images, labels, preds):
        ax.imshow(to_numpy(img).squeeze(), cmap="gray")      # trazo blanco sobre negro
        ok = int(label) == int(pred)
        ax.set_title(f"{int(pred)} ({int(label)})", color="#1a7f37" if ok else "#cf222e",
                     fontweight="bold")
        hide_ticks(ax)
    fig.suptitle(title or f"{n} imágenes de prueba: predicción (real)")
    return fig


# --- Validación, sobreajuste y regularización ---------------------------------

def _integer_epochs(ax):
    from matplotlib.ticker import MaxNLocator
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _decimal_comma(axis):
    """Marcas del eje con coma decimal y signo menos (−)."""
    from matplotlib.ticker import FuncFormatter

    from ..spanish import MINUS
    axis.set_major_formatter(FuncFormatter(
        lambda v, _: f"{v:.10g}".replace(".", ",").replace("-", MINUS)))


def fig_train_val(history, title):
    """Pérdida y exactitud por época en entrenamiento y en validación (una ``History``)."""
    epochs = np.arange(1, len(history.loss["train"]) + 1)
    fig = new_figure(8, 3.2)
    ax_loss, ax_acc = fig.subplots(1, 2)
    styles = {"train": ("entrenamiento", LAYER_COLORS[0], "--"),
              "val": ("validación", LAYER_COLORS[1], "-")}
    for name, (label, color, line) in styles.items():
        ax_loss.plot(epochs, history.loss[name], line, marker="o", markersize=3,
                     color=color, label=label)
        ax_acc.plot(epochs, np.array(history.accuracy[name]) * 100, line, marker="o",
                    markersize=3, color=color, label=label)
    best = history.best_epoch()
    ax_loss.axvline(best, color=LAYER_COLORS[3], linewidth=1, linestyle=":",
                    label=f"mínimo de validación (época {best})")
    ax_loss.set_ylabel("entropía cruzada")
    ax_loss.set_title("Pérdida")
    ax_acc.set_ylabel("exactitud (%)")
    ax_acc.set_title("Exactitud")
    for ax in (ax_loss, ax_acc):
        ax.set_xlabel("época")
        _integer_epochs(ax)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        _decimal_comma(ax.yaxis)
    fig.suptitle(title)
    return fig


def fig_variants(histories):
    """Pérdida de validación por época de cada variante y su exactitud final.

    ``histories``: diccionario ``{nombre: History}``.
    """
    names = list(histories)
    fig = new_figure(9, 3.4)
    ax_loss, ax_acc = fig.subplots(1, 2, width_ratios=[1.3, 1])
    for i, name in enumerate(names):
        val = histories[name].loss["val"]
        ax_loss.plot(np.arange(1, len(val) + 1), val, marker="o", markersize=3,
                     color=LAYER_COLORS[i % len(LAYER_COLORS)], label=name)
    ax_loss.set_xlabel("época")
    _integer_epochs(ax_loss)
    ax_loss.set_ylabel("entropía cruzada (validación)")
    ax_loss.set_title("Pérdida de validación por época")
    ax_loss.grid(alpha=0.3)
    ax_loss.legend(fontsize=8)
    _decimal_comma(ax_loss.yaxis)

    y = np.arange(len(names))
    train = [histories[n].accuracy["train"][-1] * 100 for n in names]
    val = [histories[n].accuracy["val"][-1] * 100 for n in names]
    ax_acc.barh(y - 0.2, train, height=0.4, color=LAYER_COLORS[0], label="entrenamiento")
    bars = ax_acc.barh(y + 0.2, val, height=0.4, color=LAYER_COLORS[1], label="validación")
    ax_acc.bar_label(bars, labels=[num(v, 1) for v in val], fontsize=8,
                     padding=2)
    ax_acc.set_yticks(y, names)
    ax_acc.invert_yaxis()
    low = min(val + train)
    ax_acc.set_xlim(max(0, np.floor(low / 5) * 5 - 5), 102)
    ax_acc.set_xlabel("exactitud al final (%)")
    ax_acc.set_title("Exactitud tras la última época")
    ax_acc.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2,
                  frameon=False)
    _decimal_comma(ax_acc.xaxis)
    return fig


def fig_lr_schedule(lrs, steps_per_epoch):
    """Tasa de aprendizaje de cada paso (programa OneCycle), en milésimas."""
    lrs = np.asarray(lrs) * 1000
    fig = new_figure(7, 3.0)
    ax = fig.add_subplot()
    ax.plot(np.arange(1, len(lrs) + 1), lrs, color=LAYER_COLORS[0])
    peak = int(lrs.argmax())
    ax.plot(peak + 1, lrs[peak], "o", color=LAYER_COLORS[1], label=f"máximo (paso {peak + 1})")
    for epoch in range(1, len(lrs) // steps_per_epoch):
        ax.axvline(epoch * steps_per_epoch, color=LAYER_COLORS[5], linewidth=0.5, alpha=0.5)
    ax.set_xlabel("paso de entrenamiento (lote); líneas finas: fin de cada época")
    ax.set_ylabel("tasa de aprendizaje (×10⁻³)")
    ax.set_title("Programa de la tasa de aprendizaje en un ciclo (OneCycleLR)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    _decimal_comma(ax.yaxis)
    return fig


def fig_shifts(image, shifts):
    """Un dígito desplazado con ``torch.roll`` por cada ``(dy, dx)`` de ``shifts``."""
    import torch

    fig = new_figure(1.5 * len(shifts), 2.0)
    for ax, (dy, dx) in zip(np.atleast_1d(fig.subplots(1, len(shifts))), shifts):
        shifted = torch.roll(torch.as_tensor(image), shifts=(dy, dx), dims=(-2, -1))
        ax.imshow(to_numpy(shifted).squeeze(), cmap="gray")   # trazo blanco sobre negro
        ax.set_title(f"({integer(dy)}, {integer(dx)})", fontsize=9)
        hide_ticks(ax)
    fig.suptitle("Aumento de datos: el mismo dígito desplazado (filas, columnas)")
    return fig


# --- «Tu foto en SqueezeNet» ----------------------------------------------------

def fig_photo_top5(image, top, title="Las cinco clases más probables"):
    """La foto (alto×ancho×3 en [0, 1]) y sus clases más probables en barras.

    ``top``: lista de ``(índice, nombre, probabilidad)``, como la devuelve
    ``cnnviz.imagenet.classify``.
    """
    from ..spanish import percent

    image = to_numpy(image)
    if image.ndim != 3 or image.shape[2] != 3 or not top:
        raise ValueError(f"se esperaba una foto alto×ancho×3 y al menos una clase; llegó una "
                         f"foto de forma {image.shape} y {len(top)} clases")
    fig = new_figure(8, 2.9)
    ax_photo, ax = fig.subplots(1, 2, width_ratios=[1, 1.5])
    ax_photo.imshow(image)
    ax_photo.set_title("La foto que ve la red")
    hide_ticks(ax_photo)
    y = np.arange(len(top))
    probs = [p * 100 for _, _, p in top]
    ax.barh(y, probs, color=LAYER_COLORS[0])
    labels = [percent(p, 1) if p >= 0.001 else "< " + percent(0.001, 1) for _, _, p in top]
    ax.bar_label(ax.containers[0], labels=labels, fontsize=8, padding=3)
    ax.set_yticks(y, [f"{name} ({i})" for i, name, _ in top], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, 118)
    ax.set_xticks(range(0, 101, 25))
    ax.set_xlabel("probabilidad (%)")
    ax.set_title(f"La más probable: «{top[0][1]}», {labels[0]}", fontsize=10)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.suptitle(title)
    return fig


def fig_gradcam(image, cams, titles):
    """La foto y cada mapa de Grad-CAM encima (mapas del tamaño de la foto, ≥ 0).

    Cada mapa se divide entre su máximo: rojo, lo que más apoya esa clase; sin
    color, lo que no la apoya.
    """
    image = to_numpy(image)
    cams = [to_numpy(c) for c in cams]
    if len(cams) != len(titles) or any(c.shape != image.shape[:2] for c in cams):
        raise ValueError(f"se esperaban tantos títulos como mapas ({len(cams)}; llegaron "
                         f"{len(titles)}), cada mapa del tamaño de la foto {image.shape[:2]}")
    fig = new_figure(2.9 * (len(cams) + 1), 3.2)
    axes = np.atleast_1d(fig.subplots(1, len(cams) + 1))
    axes[0].imshow(image)
    axes[0].set_title("Foto")
    for ax, cam, text in zip(axes[1:], cams, titles):
        ax.imshow(image)
        ax.imshow(cam / max(float(cam.max()), 1e-12), cmap="jet", alpha=0.45, vmin=0, vmax=1)
        ax.set_title(text, fontsize=9)
    for ax in axes:
        hide_ticks(ax)
    fig.suptitle("Grad-CAM: qué zonas de la foto apoyan cada clase")
    return fig
