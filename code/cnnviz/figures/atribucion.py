"""Figuras de atribución de «Visualización de características»: Grad-CAM, gradientes
integrados y sus líneas de base, SmoothGrad, la curva de borrado y la prueba de cordura.

Cada figura se dibuja en la variante activa (``style.current_variant()``):
esquema claro u oscuro y, en la composición estrecha, para una pantalla de
teléfono (≈ 358 px de contenido). Los tamaños de letra están elegidos para que
ningún texto quede por debajo de 11 px CSS en el ancho de escritorio (688 px)
ni de 9 px en el teléfono.
"""

import contextlib
from functools import lru_cache

import matplotlib
import numpy as np

from ..features.evaluation import attribution_report, method_names
from ..features.gradcam import grad_cam
from ..features.integrated_gradients import integrated_gradients
from ..features.methods import BASELINES, NAMES, SIGNED, attribution_methods
from ..features.saliency import saliency
from ..features.sanity import CASCADE, THRESHOLD, randomization_test
from ..features.smoothgrad import NOISE_LEVEL, SAMPLES, smoothgrad, smoothgrad_noise
from .. import spanish
from .scales import scale_bar
from .style import (LAYER_COLORS, current_variant, hide_ticks, new_figure, num, scheme_colors,
                    to_numpy, wrap)
from .. import results
from ..results import EXAMPLE_CLASSES

# Ancho (pulgadas) y tamaño de letra base (puntos) de cada composición. Un
# texto de s puntos en una figura de w pulgadas mostrada a d px CSS mide
# s / 72 · d / w px: 9 pt en 6,8 in a 688 px da 12,6 px; 7,5 pt en 3,6 in a 358 px, 10,4 px
WIDE = (6.8, 9.0)
NARROW = (3.6, 7.5)
SANITY_CLASS = 2        # el dígito de la figura de la prueba de cordura
CASCADE_LABELS = {(): "red entrenada", ("fc",): "fc al azar", ("fc", "conv2"): "+ conv2 al azar",
                  ("fc", "conv2", "conv1"): "+ conv1 al azar"}


@contextlib.contextmanager
def _sizes():
    """Ancho de la figura y letra de la variante activa (en un rc_context)."""
    width, size = NARROW if current_variant().narrow else WIDE
    with matplotlib.rc_context({"font.size": size, "axes.titlesize": size,
                                "axes.labelsize": size, "xtick.labelsize": size - 0.5,
                                "ytick.labelsize": size - 0.5, "legend.fontsize": size - 0.5,
                                "figure.titlesize": size + 1}):
        yield width, size


def _digit(ax, image, title=None):
    ax.imshow(to_numpy(image).squeeze(), cmap="gray")
    if title:
        ax.set_title(title)
    hide_ticks(ax)


def _heat(ax, values, signed):
    """Un mapa de atribución, cada uno con su escala: con signo en rojo y azul (0
    blanco, de −máx. a +máx.), sin signo en magma (de 0 al máximo)."""
    values = to_numpy(values).squeeze()
    if signed:
        limit = float(np.abs(values).max()) or 1.0
        ax.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit)
    else:
        ax.imshow(np.abs(values), cmap="magma", vmin=0)
    hide_ticks(ax)


# Los datos de cada figura se calculan una vez por proceso y sirven para sus
# cuatro variantes (clara, oscura, ancha y estrecha)

@lru_cache(maxsize=1)
def _gradcam_data():
    model = results.model()
    x, y = results.examples()
    return x, y, grad_cam(model, x, y, upsample=False), grad_cam(model, x, y)


@lru_cache(maxsize=1)
def _integrated_data():
    model, split = results.model(), results.split()
    x, y = results.examples(EXAMPLE_CLASSES[1:3])
    rows = []
    for name, make in BASELINES.items():
        base = make(x, split.mean, split.std)
        rows.append((name, base, integrated_gradients(model, x, y, base)))
    return x, y, rows


@lru_cache(maxsize=1)
def _smoothgrad_data():
    model, split = results.model(), results.split()
    x, y = results.examples()
    noise = smoothgrad_noise(SAMPLES, NOISE_LEVEL / split.std)
    return x, y, saliency(model, x, y), smoothgrad(model, x, y, noise)


@lru_cache(maxsize=1)
def _sanity_data():
    model, split = results.model(), results.split()
    x, y = results.examples((SANITY_CLASS,))
    methods = attribution_methods(split.mean, split.std)
    return x, y, {name: randomization_test(model, x, y, method, seed=0)
                  for name, method in methods.items()}


def fig_gradcam():
    """Grad-CAM de la clase real en conv2 + ReLU: el mapa de 14×14 y ampliado sobre el dígito."""
    x, y, coarse, fine = _gradcam_data()
    with _sizes() as (width, _):
        fig = new_figure(width, width * 0.85)
        axes = fig.subplots(3, len(x))
        for col, (image, label) in enumerate(zip(x, y)):
            _digit(axes[0, col], image, f"un {label.item()}")
            axes[1, col].imshow(to_numpy(coarse[col, 0]), cmap="magma", vmin=0)
            hide_ticks(axes[1, col])
            axes[2, col].imshow(to_numpy(image[0]), cmap="gray")
            axes[2, col].imshow(to_numpy(fine[col, 0]), cmap="magma", alpha=0.6, vmin=0)
            hide_ticks(axes[2, col])
        axes[1, 0].set_ylabel("14×14")
        axes[2, 0].set_ylabel("ampliado")
        scale_bar(fig, axes[1:, :].ravel().tolist(), signed=False)
        fig.suptitle("Grad-CAM de la clase real\nen conv2 + ReLU")
    return fig


def fig_integrados():
    """Gradientes integrados de dos dígitos con las líneas de base negra, difuminada y de ruido."""
    x, y, rows = _integrated_data()
    with _sizes() as (width, _):
        fig = new_figure(width, width * 0.95)
        axes = fig.subplots(len(rows), 2 * len(x))
        for row, (name, base, maps) in enumerate(rows):
            for d in range(len(x)):
                _digit(axes[row, 2 * d], base[d])
                _heat(axes[row, 2 * d + 1], maps[d], signed=True)
                if row == 0:
                    axes[row, 2 * d].set_title(f"base ({y[d].item()})")
                    axes[row, 2 * d + 1].set_title(f"atribución\n(un {y[d].item()})")
            zeros = float((maps == 0).float().mean())
            axes[row, 0].set_ylabel(f"{name}\n{spanish.percent(zeros, 0)} ceros")
        scale_bar(fig, axes.ravel().tolist(), signed=True)
        fig.suptitle("Gradientes integrados con tres líneas de base\n(rojo suma a la clase, azul resta)")
    return fig


def fig_smoothgrad():
    """Saliencia y SmoothGrad de la clase real para cuatro dígitos."""
    x, y, plain, smooth = _smoothgrad_data()
    with _sizes() as (width, _):
        fig = new_figure(width, width * 0.85)
        axes = fig.subplots(3, len(x))
        for col, (image, label) in enumerate(zip(x, y)):
            _digit(axes[0, col], image, f"un {label.item()}")
            _heat(axes[1, col], plain[col], signed=False)
            _heat(axes[2, col], smooth[col], signed=False)
        axes[1, 0].set_ylabel("saliencia")
        axes[2, 0].set_ylabel("SmoothGrad")
        scale_bar(fig, axes[1:, :].ravel().tolist(), signed=False)
        fig.suptitle(f"|gradiente| de la clase real: solo\ny medio con {SAMPLES} copias con ruido")
    return fig


def fig_borrado():
    """Curvas de borrado de cada método y de un orden al azar, con su área."""
    report = attribution_report()
    names = method_names()
    narrow = current_variant().narrow
    with _sizes() as (width, _):
        fig = new_figure(width, width * (1.35 if narrow else 0.55))
        ax = fig.subplots()
        order = sorted(report["borrado"], key=lambda n: report["borrado"][n]["area"])
        for k, name in enumerate(order):
            curve = np.array(report["borrado"][name]["curva"])
            area = report["borrado"][name]["area"]
            steps = np.linspace(0, 1, len(curve))
            style = {"color": scheme_colors()["foreground"], "linestyle": "--"} if name == "azar" else \
                {"color": (LAYER_COLORS + ["#edc948"])[list(NAMES).index(name)]}
            ax.plot(steps, curve, linewidth=1.6, label=f"{names[name]} ({num(area, 2)})",
                    **style)
        ax.set_xlabel("fracción de píxeles borrados (a negro)")
        ax.set_ylabel("probabilidad de la clase real")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(_comma))
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(_comma))
        ax.grid(True, linewidth=0.5)
        _legend(fig, ax, "método (área bajo la curva)", narrow)
        fig.suptitle(f"Curva de borrado: media de {report['n_deletion']} dígitos de prueba")
    return fig


def _legend(fig, ax, title, narrow):
    """Leyenda fuera del gráfico: a la derecha, o debajo en la composición estrecha."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, title=title, frameon=False,
               loc="outside lower center" if narrow else "outside right center")


def _comma(value, _):
    return num(value, 1)


def fig_cordura():
    """Mapas de los seis métodos para un dígito con la red entrenada y con capas al azar."""
    x, y, tests = _sanity_data()
    with _sizes() as (width, _):
        fig = new_figure(width, width * (1.55 if current_variant().narrow else 1.4))
        axes = fig.subplots(len(tests), len(CASCADE) + 1)
        for row, (name, tested) in enumerate(tests.items()):
            for col, (layers, maps, rho) in enumerate(tested):
                ax = axes[row, col]
                _heat(ax, maps[0], signed=name in SIGNED)
                if col:
                    ax.set_title(f"ρ = {num(rho[0], 2)}")
                if row == 0:
                    label = CASCADE_LABELS[layers]
                    if current_variant().narrow:     # «+ conv2 al azar» no cabe en una línea
                        label = label.replace("+ conv", "+conv").replace(" al azar", "\nal azar")
                    ax.set_title(label + (f"\nρ = {num(rho[0], 2)}" if col else ""))
            axes[row, 0].set_ylabel(NAMES[name].replace("Retropropagación ", "Retroprop.\n")
                                    .replace("Gradientes ", "Gradientes\n"))
        for row, name in enumerate(tests):      # una barra por fila: |mapa| o con signo
            scale_bar(fig, axes[row, :].tolist(), signed=name in SIGNED, label="")
        fig.suptitle(wrap(f"Prueba de aleatorización con un {y[0].item()}: cada mapa con la red "
                          "entrenada y con capas reiniciadas al azar (ρ: Spearman de |mapa|; "
                          "cada mapa con su escala)", matplotlib.rcParams["figure.titlesize"],
                          width))
    return fig


def fig_cordura_curvas():
    """Correlación de rangos media de cada método con su mapa de la red entrenada, paso a paso."""
    report = attribution_report()
    narrow = current_variant().narrow
    with _sizes() as (width, _):
        fig = new_figure(width, width * (1.35 if narrow else 0.5))
        ax = fig.subplots()
        steps = range(len(CASCADE) + 1)
        for name, entry in report["sanity"].items():
            values = [1.0] + entry["medias"]
            verdict = "pasa" if entry["pasa"] else "no pasa"
            ax.plot(steps, values, marker="o", linewidth=1.6,
                    color=LAYER_COLORS[list(NAMES).index(name)], label=f"{NAMES[name]} ({verdict})")
        ax.axhline(THRESHOLD, color=scheme_colors()["foreground"], linestyle=":", linewidth=1)
        ax.text(len(CASCADE), THRESHOLD + 0.03, f"umbral {_comma(THRESHOLD, 0)}", ha="right")
        ax.set_xticks(list(steps), ["entrenada", "fc", "+ conv2", "+ conv1"])
        ax.set_xlabel("capas al azar (en cascada)")
        ax.set_ylabel("ρ medio")
        ax.set_ylim(0, 1.05)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(_comma))
        ax.grid(True, linewidth=0.5)
        _legend(fig, ax, "método", narrow)
        fig.suptitle(f"Prueba de aleatorización: media de {report['n_sanity']} dígitos de prueba")
    return fig
