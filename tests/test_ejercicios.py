"""Los ejercicios resueltos de Teoría y de Filtros: cada solución con código se
ejecuta y da la respuesta que escribe la página.

Las respuestas esperadas están calculadas a mano en la solución de la página
(fórmulas de tamaño y de parámetros, medias, la derivada del máximo); aquí se
comprueba que el código las imprime y que la página las dice.
"""

import re

import pytest
from example_sections import ROOT, run_section, solution

NBSP_THIN = "\N{NARROW NO-BREAK SPACE}"


TEORIA = "code/examples/ejercicios_teoria.py"
BORDES = "code/examples/ejercicios_bordes.py"


def test_every_page_exercise_has_its_code_and_every_section_is_used():
    for page, path in (("teoria.md", TEORIA), ("filtros-bordes.md", BORDES)):
        text = (ROOT / "docs" / page).read_text(encoding="utf-8")
        assert text.rstrip().splitlines()[-1].strip() == "```", "la página termina en un ejercicio"
        assert text.index("## Ejercicios") > text.rindex("\n## ") - 1
        exercises = text[text.index("## Ejercicios"):]
        assert 3 <= len(re.findall(r"^### \d+\. ", exercises, re.M)) <= 6
        used = set(re.findall(rf'--8<-- "{path}:(\w+)"', text))
        defined = set(re.findall(r"# --8<-- \[start:(\w+)\]", (ROOT / path).read_text()))
        assert used == defined


def test_forma():
    n, k, p, s = 32, 5, 2, 2
    side = (n + 2 * p - k) // s + 1                 # 16, a mano
    out = run_section(TEORIA, "forma")[0]
    assert out.splitlines() == [f"(1, 8, {side}, {side})", str(side)]
    assert f"`(1, 8, {side}, {side})`" in solution("teoria.md", 1)


def test_parametros():
    conv, fc = 8 * (3 * 25 + 1), 10 * (8 * 16 * 16 + 1)
    out = run_section(TEORIA, "parametros")[0]
    assert f"conv: {conv} = {conv}" in out
    thin = f"{fc // 1000}{NBSP_THIN}{fc % 1000:03d}"
    assert f"fc:   {thin} = {thin}" in out
    text = solution("teoria.md", 2)
    assert f"= {conv}$" in text and "= 20\\,490$" in text and fc == 20490
    assert fc / conv > 30 and "más de 30 veces" in text


def test_average_pooling():
    blocks = [[1, 3, 4, 6], [2, 1, 5, 0], [3, 1, 0, 2], [9, 8, 7, 4]]
    means = [sum(b) / 4 for b in blocks]            # 3,5  2  1,5  7
    out = run_section(TEORIA, "pooling")[0].splitlines()
    expected = [f"{means[0]:.1f}  {means[1]:.1f}", f"{means[2]:.1f}  {means[3]:.1f}"]
    assert out == [line.replace(".", ",") for line in expected]
    text = solution("teoria.md", 3)
    for block, mean in zip(blocks, means):
        assert "(" + " + ".join(map(str, block)) + ")/4" in text


def test_gradiente_del_max_pooling():
    x = [[1, 3, 2, 1], [4, 6, 5, 0], [3, 1, 9, 8], [0, 2, 7, 4]]
    g = [[1, 2], [3, 4]]
    expected = [[0] * 4 for _ in range(4)]
    for i in range(2):
        for j in range(2):                          # el máximo de cada ventana, a mano
            r, c = max(((2 * i + a, 2 * j + b) for a in range(2) for b in range(2)),
                       key=lambda rc: x[rc[0]][rc[1]])
            expected[r][c] = g[i][j]
    assert run_section(TEORIA, "gradiente_pooling")[0].strip() == str(expected)
    text = solution("teoria.md", 4)
    for value, where in (("1 al 6", "(fila 1, columna 1)"), ("2 al 5", "(fila 1, columna 2)"),
                         ("3 al 3", "(fila 2, columna 0)"), ("4 al 9", "(fila 2, columna 2)")):
        assert f"{value} {where}" in text


def test_campo_receptivo():
    out = run_section(TEORIA, "campo_receptivo")[0]
    assert out.splitlines()[-1] == "conv_b: campo receptivo 8×8, salto 2"
    assert "$r = 4 + 2 \\cdot 2 = 8$" in solution("teoria.md", 5)


def test_desplazamiento():
    out = run_section(TEORIA, "desplazamiento")[0]
    assert out.splitlines() == ["convolución: la salida se desplaza 2: True",
                                "max pooling: la salida se desplaza 1: True"]
    text = solution("teoria.md", 6)
    assert "se desplaza exactamente 1" in text


def test_suavizado():
    kernel_sum = 1 + 2 + 1 + 2 + 4 + 2 + 1 + 2 + 1
    assert kernel_sum == 16
    out = run_section(BORDES, "suavizado")[0].splitlines()
    assert out == ["zona uniforme: 0,30", "punto, en su centro: 0,25"]
    assert "$4/16 = 0{,}25$" in solution("filtros-bordes.md", 1)


def test_signo_del_laplaciano():
    out = run_section(BORDES, "signo_laplaciano")[0].splitlines()
    assert out == ["el mapa cambia de signo: True", "el valor absoluto no cambia: True"]


def test_sobel_en_un_escalon():
    out = run_section(BORDES, "escalon")[0].splitlines()
    # Columna j de la salida: (1 + 2 + 1)·(x[j + 2] − x[j]) con x = 0, 0, 0, 1, 1, 1
    x = [0, 0, 0, 1, 1, 1]
    row = [4 * (x[j + 2] - x[j]) for j in range(4)]
    assert out == [f"Sobel x, cada fila: {row}", "Sobel y, máximo |gy|: 0"]
    assert "$(0, 4, 4, 0)$" in solution("filtros-bordes.md", 3) and row == [0, 4, 4, 0]


def test_dos_filtros_que_suman_cero():
    out = run_section(BORDES, "suma_cero")[0].splitlines()
    # H(π) = a − b + c
    assert out == ["(−1, 0, 1): |H(0)| = 0, |H(π)| = 0", "(1, −2, 1): |H(0)| = 0, |H(π)| = 4"]
    text = solution("filtros-bordes.md", 4)
    assert "$-1 - 0 + 1 = 0$" in text and "$1 + 2 + 1 = 4$" in text


@pytest.mark.parametrize("page", ["teoria.md", "filtros-bordes.md"])
def test_solutions_fold_with_pymdownx_details(page):
    import yaml

    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    extensions = yaml.safe_load(re.sub(r"!ENV \[[^\]]*\]", "''", config))["markdown_extensions"]
    assert "pymdownx.details" in extensions
    assert '??? success "Solución"' in (ROOT / "docs" / page).read_text(encoding="utf-8")


# --- Cuaderno «CNN básica» ------------------------------------------------------

CNN_BASICA = "code/examples/ejercicios_cnn_basica.py"


def notebook_text():
    import json
    nb = json.loads((ROOT / "docs/practica/cnn-basica.ipynb").read_text(encoding="utf-8"))
    return [("".join(c["source"]), c["cell_type"]) for c in nb["cells"]]


def test_notebook_exercises_include_every_solution():
    cells = notebook_text()
    included = [re.search(rf'--8<-- "{CNN_BASICA}:(\w+)"', src)[1]
                for src, kind in cells if kind == "code" and CNN_BASICA in src]
    defined = re.findall(r"# --8<-- \[start:(\w+)\]", (ROOT / CNN_BASICA).read_text())
    assert included == defined
    assert sum("<summary>Solución</summary>" in src for src, _ in cells) == len(defined)


def test_cnn_basica_formas():
    k, n = 4, 64
    out = run_section(CNN_BASICA, "formas")[0].splitlines()
    assert out == ["pesos: (4, 1, 4, 4)", f"salida con una foto de 64×64: (1, 4, {n - k + 1}, {n - k + 1})"]
    text = " ".join(src for src, _ in notebook_text())
    assert "<code>(4, 1, 4, 4)</code>" in text and "<code>(1, 4, 61, 61)</code>" in text


def test_cnn_basica_relleno():
    side = (128 + 2 * 2 - 4) // 1 + 1
    assert run_section(CNN_BASICA, "relleno")[0].strip() == f"salida: (1, 4, {side}, {side})"
    assert f"⌊(128 + 2·2 − 4)/1⌋ + 1 = {side}" in " ".join(src for src, _ in notebook_text())


def test_cnn_basica_opuestos():
    assert run_section(CNN_BASICA, "opuestos")[0].strip().endswith(": True")
