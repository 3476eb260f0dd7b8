"""Cada figura del registro devuelve una Figure con los paneles esperados."""

import pytest
from matplotlib.figure import Figure

from cnnviz.figures import FIGURES
from cnnviz.figures.style import Variant, use_variant
from cnnviz.site.build.figure_build import FigureError, render_figure

# Paneles visibles (ejes con contenido) que debe tener cada figura
EXPECTED_PANELS = {
    "arquitectura": 1,
    "relu": 2,
    "cuatro_filtros": 9,     # foto + 4 filtros + 4 mapas
    "max_pooling": 4,        # entrada, max pooling, average pooling, media global
    "conv_canales": 12,      # 3 canales × (mapa, kernel, aporte) + resto + salida + texto
    "relleno_paso": 3,       # entrada con relleno, filtro, salida
    "campo_receptivo": 4,    # conv1, pool1, conv2, pool2
    "desplazamiento": 5,     # dígito, desplazado, sus dos mapas de conv1 y la gráfica
    "paso_alto": 3,
    "sobel": 4,
    "paso_bajo": 3,          # recorte, suavizado, diferencia
    "frecuencias": 1,
    "filtros_conv1": 16,     # 16 filtros (más la barra de color)
    "mapas_activacion": 15,  # 3 dígitos × (entrada + 4 capas)
    "pca_tsne": 2,
    "oclusion": 8,           # 4 dígitos × (dígito tapado + mapa de calor)
    "saliencia": 12,         # 4 dígitos × (entrada, saliencia, guided backprop)
    "actmax_clases": 20,     # 10 clases × (sin, con regularización)
    "actmax_canales": 16,
    "actmax_ejemplos": 64,   # 16 canales × (sintética + 3 dígitos de prueba)
    "cordura": 24,           # 6 métodos × 4 redes (entrenada y 3 pasos al azar)
    "gradcam": 12,           # 4 dígitos × (dígito, mapa 14×14, ampliado)
    "integrados": 12,        # 3 líneas de base × 2 dígitos × (base, atribución)
    "smoothgrad": 12,        # 4 dígitos × (dígito, saliencia, SmoothGrad)
    "borrado": 1,
    "cordura_curvas": 1,
    "sq_top5": 12,           # 6 fotos × (foto, barras)
    "sq_filtros_conv1": 64,
    "sq_parametros": 1,
    "sq_mapas": 13,          # foto + 4 etapas × 3 canales
    "sq_gradcam_clases": 3,  # foto doble + 2 clases
    "sq_atribucion": 12,     # 3 fotos × (foto, saliencia, integrados, Grad-CAM)
    "sq_cordura": 8,         # (saliencia, Grad-CAM) × (entrenada + 3 pasos)
    "estilo_textura": 3,         # textura, ruido de partida, sintetizada
    "estilo_transferencia": 3,   # contenido, estilo, resultado
    "estilo_rejilla": 4,         # un resultado por peso del estilo
    "estilo_curvas": 2,          # textura y transferencia
    "clases_squeezenet": 4,      # una imagen por clase
    "deepdream": 2,              # foto y sueño
    "adversario": 3,             # original, diferencia, atacada
    "sq_ejemplos": 30,       # 6 canales × (imagen sintética + 4 recortes)
}


def visible_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible() and
            (ax.images or ax.lines or ax.patches or ax.texts)]


def test_every_registered_figure_has_an_expectation():
    assert set(EXPECTED_PANELS) == set(FIGURES)


@pytest.mark.parametrize("name", sorted(EXPECTED_PANELS))
def test_figure_panels(name):
    spec = FIGURES[name]
    fig = spec.func()
    assert isinstance(fig, Figure)
    panels = visible_axes(fig)
    assert len(panels) == EXPECTED_PANELS[name]
    if spec.narrow:   # la composición estrecha reordena los paneles, pero no quita ninguno
        with use_variant(Variant(narrow=True)):
            assert len(visible_axes(spec.func())) == EXPECTED_PANELS[name]
    for ax in panels:   # cada panel lleva título (o la figura lo lleva)
        assert ax.get_title() or (fig._suptitle and fig._suptitle.get_text())
    assert len(spec.alt) > 40, "texto alternativo demasiado corto"


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_alt_text_is_spanish(name):
    alt = FIGURES[name].alt.lower()
    assert any(w in alt for w in (" de ", " la ", " el ", " y ")), alt


def test_broken_figure_raises_with_its_name(tmp_path):
    from cnnviz.figures import FigureSpec

    def broken():
        raise RuntimeError("algo falló")

    def not_a_figure():
        return 42

    # La huella se calcula con el código de su módulo: uno real del paquete
    broken.__module__ = not_a_figure.__module__ = "cnnviz.figures.teoria"

    spec = FigureSpec("rota_de_prueba", broken, "figura rota de prueba")
    with pytest.raises(FigureError, match="rota_de_prueba"):
        render_figure(spec, tmp_path)
    assert list(tmp_path.iterdir()) == []      # no deja nada escrito

    spec = FigureSpec("no_figura", not_a_figure, "figura que no es figura")
    with pytest.raises(FigureError, match="no_figura"):
        render_figure(spec, tmp_path)


def test_png_freezes_the_constrained_layout_on_rounded_positions():
    # kiwisolver puede dar posiciones que difieren en el último bit de un proceso
    # a otro; el PNG se dibuja con las posiciones redondeadas y sin volver a resolver
    from cnnviz.figures.style import new_figure, png_bytes

    fig = new_figure(4, 3)
    sub_left, sub_right = fig.subfigures(1, 2)
    axes = [sub_left.subplots(), *sub_right.subplots(2, 1)]
    for ax in axes:
        ax.set_title("título largo para mover el diseño")
    png_bytes(fig)
    assert fig.get_layout_engine().__class__.__name__ == "PlaceHolderLayoutEngine"
    boxes = [ax.get_position() for ax in axes] + [sub.bbox_relative for sub in (sub_left, sub_right)]
    for box in boxes:
        for value in box.get_points().ravel():
            assert value == round(value, 9)
    assert boxes[1].y0 > boxes[2].y1              # el diseño se resolvió: no se pisan
