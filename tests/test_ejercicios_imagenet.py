"""Los ejercicios resueltos de las páginas de SqueezeNet, de «Lo que imagina
SqueezeNet» y de «Transferencia de estilo».

Cada solución con código se ejecuta sola, como al copiarla, y lo que imprime
se compara con la respuesta que da la página, calculada aquí a mano (fórmulas
de parámetros y de tamaños) o medida de otra forma.
"""

import re

import pytest
from example_sections import ROOT, run_section, solution

PAGES = {"visualizacion/squeezenet.md": "code/examples/ejercicios_imagenet.py",
         "visualizacion/clases-squeezenet.md": "code/examples/ejercicios_clases.py",
         "visualizacion/transferencia-estilo.md": "code/examples/ejercicios_estilo.py"}
IMAGENET = PAGES["visualizacion/squeezenet.md"]
THIN = "\N{NARROW NO-BREAK SPACE}"          # separador de miles de cnnviz.spanish


@pytest.mark.parametrize("page", PAGES)
def test_page_ends_with_solved_exercises_and_uses_every_solution(page):
    code = PAGES[page]
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    assert text.index("## Ejercicios") > text.rindex("\n## ") - 1, page    # la última sección
    exercises = re.split(r"^### \d+\. ", text[text.index("## Ejercicios"):], flags=re.M)[1:]
    assert 3 <= len(exercises) <= 5
    assert not re.search(r"^\*\*\d+\. ", text, re.M), "ejercicio con el formato antiguo"
    used = []
    for exercise in exercises:
        assert exercise.count('??? success "Solución"') == 1, exercise[:40]
        included = re.findall(rf'--8<-- "{code}:(\w+)"', exercise)
        assert exercise.count("{{ salida }}") == len(included), exercise[:40]
        used += included
    defined = re.findall(r"# --8<-- \[start:(\w+)\]", (ROOT / code).read_text(encoding="utf-8"))
    assert sorted(used) == sorted(defined)          # cada solución, una vez


# --- Una CNN de verdad: SqueezeNet ----------------------------------------------------

def conv(c_in, c_out, k):
    return c_out * c_in * k * k + c_out


def test_fire9_parameters():
    squeeze, e1, e3 = conv(512, 64, 1), conv(64, 256, 1), conv(64, 256, 3)
    assert (squeeze, e1, e3) == (32832, 16640, 147712)
    total = squeeze + e1 + e3
    out, _ = run_section(IMAGENET, "fire9_parametros")
    share = f"{100 * e3 / total:.1f}".replace(".", ",")
    assert out.splitlines()[-1] == f"total: 197{THIN}184; en la rama de 3×3, el {share}\N{NO-BREAK SPACE}%"
    text = solution("visualizacion/squeezenet.md", 1)
    for expression in ("$64\\,(512 + 1) = 32\\,832$", "$256\\,(64 + 1) = 16\\,640$",
                       "$256\\,(64 \\cdot 9 + 1) = 147\\,712$", "$197\\,184$", "74,9 %"):
        assert expression in text
    assert 0.7 < e3 / total < 0.8                   # «tres cuartas partes»
    assert conv(512, 256, 3) - 256 == 8 * (conv(64, 256, 3) - 256)   # «ocho veces más pesos»


def test_shapes_with_a_300_pixel_photo():
    def side(n):
        n = (n + 2 - 3) // 2 + 1                    # conv1
        sides = []
        for _ in range(3):                          # pool1, pool3, pool5
            n = (n - 3) // 2 + 1
            sides.append(n)
        return sides
    assert side(300) == [74, 36, 17] and side(227) == [56, 27, 13]
    out, _ = run_section(IMAGENET, "forma_300")
    assert out.splitlines() == [
        "227×227: fire5 (256, 27, 27), conv10 (1000, 13, 13), salida (1, 1000)",
        "300×300: fire5 (256, 36, 36), conv10 (1000, 17, 17), salida (1, 1000)"]
    text = solution("visualizacion/squeezenet.md", 2)
    assert "$\\lfloor (300 + 2 - 3)/2 \\rfloor + 1 = 150$" in text and "74, 36 y 17" in text


def test_conv10_is_one_affine_layer_per_pixel():
    out, ns = run_section(IMAGENET, "conv_1x1")
    assert ns["error"] < 1e-6                       # «no llega a una millonésima»
    assert "no llega a una millonésima" in solution("visualizacion/squeezenet.md", 3)
    assert out.splitlines()[0] == "pesos de conv10: (1000, 512, 1, 1) -> matriz (1000, 512)"


def test_gradcam_stride():
    out, ns = run_section(IMAGENET, "salto_gradcam")
    assert out.splitlines()[0] == "fire9: salto j = 16 píxeles, campo receptivo 207×207"
    text = solution("visualizacion/squeezenet.md", 4)
    assert "$j = 16$" in text and "207×207" in text


def test_gradcam_stride_by_moving_one_cell():
    # Independiente de la fórmula: con la red «linealizada» de anatomy, el
    # gradiente de dos celdas vecinas de fire9 empieza 16 píxeles más allá
    import torch

    from cnnviz.imagenet import load_model
    from cnnviz.imagenet.anatomy import _linearized

    linear = _linearized(load_model())
    starts = []
    for col in (6, 7):
        x = torch.ones(1, 3, 227, 227, requires_grad=True)
        out = x
        for name, module in linear.named_children():
            out = module(out)
            if name == "fire9":
                break
        out[0, :, 6, col].sum().backward()
        starts.append(int(torch.nonzero((x.grad[0] != 0).any(0).any(0)).min()))
    assert starts[1] - starts[0] == 16


# --- Lo que imagina SqueezeNet ------------------------------------------------------------

def test_linearity_in_numbers():
    out, ns = run_section(PAGES["visualizacion/clases-squeezenet.md"], "linealidad")
    one, everything, real = ns["one_value"], ns["all_values"], ns["real"]
    assert everything > 1000 * one                  # «miles de veces mayor»
    assert 100 * one < real < everything            # «menor que la lineal», «cientos de veces»
    assert one < 0.1                                # «centésimas»
    assert ns["grad"].numel() == 227 * 227 * 3 == 154587
    assert "154 587" in solution("visualizacion/clases-squeezenet.md", 4)


# --- Transferencia de estilo --------------------------------------------------------------

def test_how_many_numbers_describe_the_style():
    from cnnviz.imagenet.style_runs import STYLE_LAYERS, TEXTURE_SIZE

    channels = [64, 128, 256, 256]
    total = sum(c * c for c in channels)
    distinct = sum(c * (c + 1) // 2 for c in channels)
    assert (total, distinct) == (151552, 76128)
    out, ns = run_section(PAGES["visualizacion/transferencia-estilo.md"], "numeros_estilo")
    shapes = ", ".join(f"{layer} ({c}, {c})" for layer, c in zip(STYLE_LAYERS, channels))
    assert out.splitlines() == [f"64×64: {shapes}", f"128×128: {shapes}",
                                f"elementos: 151{THIN}552; distintos: 76{THIN}128"]
    text = solution("visualizacion/transferencia-estilo.md", 4)
    assert "= 151\\,552$" in text and "= 76\\,128$" in text
    assert TEXTURE_SIZE == 128 and f"$3 \\cdot 128 \\cdot 128 = 49\\,152$" in text
    assert distinct > 3 * TEXTURE_SIZE ** 2           # «más que los valores de la textura»
