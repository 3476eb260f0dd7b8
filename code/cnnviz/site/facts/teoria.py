"""Datos de la página de teoría: tamaños, parámetros, campo receptivo y softmax.

Las cuentas salen de las fórmulas de ``cnnviz.layer_math`` aplicadas a los
atributos de las capas (kernel, relleno, paso, canales); las pruebas las
comparan con lo que calcula PyTorch.
"""

import math

import torch

from ... import results, spanish
from ...layer_math import (conv_params, linear_params, output_size, receptive_fields,
                          spatial_layers)
from ...model import DigitCNN, Net

__all__ = ["conv_canales_resumen", "tabla_digitcnn", "parametros_digitcnn",
           "cuenta_parametros_net", "compartir_pesos", "tabla_campo_receptivo",
           "campo_receptivo_fc", "tabla_softmax", "softmax_resumen", "inicializacion_resumen",
           "desplazamiento_resumen", "relu_muertas", "max_desplazamiento"]

N = spanish.integer


def conv_canales_resumen():
    """Cuánto aportan los tres canales de entrada destacados en la figura."""
    ex = results.multichannel()
    totals = abs(ex.contributions).sum(axis=(1, 2))
    share = totals[ex.top].sum() / totals.sum()
    n_in = len(ex.inputs)
    top = ", ".join(str(c) for c in ex.top[:-1]) + f" y {ex.top[-1]}"
    largest = totals.max() / totals.sum()
    verdict = ("más de la mitad" if share >= 0.5 else
               f"menos de la mitad: los otros {n_in - len(ex.top)} aportan el resto")
    alone = (f" Ningún canal de entrada pasa del {spanish.percent(largest, 0)} del total: la "
             "salida no la explica un mapa de la primera capa por separado, sino la "
             "combinación de todos." if largest < 0.5 else "")
    sums = ex.contributions.sum(axis=(1, 2))
    negative = [c for c in ex.top if sums[c] < 0]
    signs = ""
    if negative:
        names = (f"el canal {negative[0]}" if len(negative) == 1 else
                 "los canales " + ", ".join(str(c) for c in negative[:-1]) + f" y {negative[-1]}")
        values = " y ".join(spanish.decimal(sums[c], 0) for c in negative)
        signs = (f" Que aporten mucho no quiere decir que sumen: {names} "
                 + (f"aporta en negativo (su aporte suma {values})" if len(negative) == 1 else
                    f"aportan en negativo (sus aportes suman {values})")
                 + ", así que restan a la salida; por eso sus paneles son azules.")
    rest = [c for c in range(n_in) if c not in ex.top]
    limit = max(abs(ex.contributions).max(), abs(ex.output).max(),
                abs(ex.contributions[rest].sum(0)).max())       # la escala de la figura
    peak = max(abs(ex.contributions[c]).max() for c in ex.top)
    faint = ""
    if peak < 0.5 * limit:
        faint = (f" La escala de color, común a todos los aportes, llega a ±"
                 f"{spanish.decimal(limit, 1)}, y ningún valor de los tres pasa de "
                 f"{spanish.decimal(peak, 1)} en valor absoluto: por eso sus paneles se ven "
                 "pálidos. Debajo de cada aporte está su suma.")
    return (f"En la figura, el canal {ex.channel} de `conv2` (el que más se activa con este "
            f"{ex.digit}) recibe los {n_in} mapas de `pool1`. Los canales {top}, los que más "
            f"aportan, suman el {spanish.percent(share, 0)} del aporte total en valor absoluto, "
            f"{verdict}.{alone}{signs}{faint}").replace("  ", " ")


def _digitcnn_rows():
    """(capa, k, p, s, lado de entrada, lado de salida, canales, parámetros) de DigitCNN."""
    model = DigitCNN()
    side, channels, rows = 28, 1, []
    by_name = dict(model.named_children())
    for name, k, p, s in spatial_layers(model):
        module = by_name[name]
        out = output_size(side, k, p, s)
        if hasattr(module, "out_channels"):
            params = conv_params(module.in_channels, module.out_channels, k)
            channels = module.out_channels
        else:
            params = 0
        rows.append((name, k, p, s, side, out, channels, params))
        side = out
    return model, rows, side, channels


def tabla_digitcnn():
    """Tabla de DigitCNN: lado de salida con la fórmula y parámetros con la fórmula."""
    model, rows, side, channels = _digitcnn_rows()
    lines = ["| Capa | Lado de salida: ⌊(n + 2p − k)/s⌋ + 1 | Forma de salida | Parámetros |",
             "| --- | --- | --- | ---: |"]
    for name, k, p, s, n, out, c, params in rows:
        formula = f"⌊({n} + 2·{p} − {k})/{s}⌋ + 1 = {out}"
        lines.append(f"| `{name}` | {formula} | {c}×{out}×{out} | {N(params)} |")
    flat = channels * side * side
    fc = model.fc
    lines.append(f"| `fc` | aplanado: {channels}·{side}·{side} = {N(flat)} | "
                 f"{fc.out_features} | {N(linear_params(fc.in_features, fc.out_features))} |")
    total = sum(r[-1] for r in rows) + linear_params(fc.in_features, fc.out_features)
    lines.append(f"| **total** | | | **{N(total)}** |")
    return "\n".join(lines)


def parametros_digitcnn():
    _, rows, _, _ = _digitcnn_rows()
    fc = DigitCNN().fc
    n_fc = linear_params(fc.in_features, fc.out_features)
    total = sum(r[-1] for r in rows) + n_fc
    return (f"En total, {N(total)} parámetros, el {spanish.percent(n_fc / total, 0)} en la capa "
            "final: una capa totalmente conectada es cara porque cada salida tiene un peso "
            "por cada entrada.")


def cuenta_parametros_net():
    """Las dos cuentas de Net, con los números de sus capas."""
    net = Net(n_classes=10)
    conv, fc = net.conv1, net.fc1
    k = conv.kernel_size[0]
    return (f"- `conv1`: {conv.out_channels} filtros de {conv.in_channels}×{k}×{k} pesos, "
            f"más un sesgo cada uno: "
            f"${conv.out_channels} \\cdot ({conv.in_channels} \\cdot {k} \\cdot {k} + 1) = "
            f"{N(conv_params(conv.in_channels, conv.out_channels, k))}$.\n"
            f"- `fc1`: {fc.out_features} salidas, cada una con {fc.in_features} pesos y un "
            f"sesgo: ${fc.out_features} \\cdot ({fc.in_features} + 1) = "
            f"{N(linear_params(fc.in_features, fc.out_features))}$.")


def compartir_pesos():
    """conv1 de DigitCNN frente a una capa densa con la misma entrada y la misma salida."""
    model = DigitCNN()
    conv = model.conv1
    k = conv.kernel_size[0]
    n_in = 1 * 28 * 28
    side = output_size(28, k, conv.padding[0], conv.stride[0])
    n_out = conv.out_channels * side * side
    shared = conv_params(conv.in_channels, conv.out_channels, k)
    dense = linear_params(n_in, n_out)
    return (f"`conv1` de `DigitCNN` recibe {N(n_in)} valores (1×28×28) y devuelve "
            f"{N(n_out)} ({conv.out_channels}×{side}×{side}) con solo "
            f"{N(shared)} parámetros: {conv.out_channels} filtros de {k}×{k} más sus sesgos, "
            f"los mismos en todas las posiciones. Una capa totalmente conectada con esa misma "
            f"entrada y esa misma salida necesitaría "
            f"{N(n_out)} · ({N(n_in)} + 1) = {N(dense)} parámetros, unas "
            f"{N(round(dense / shared, -2))} veces más.")


def tabla_campo_receptivo():
    """Campo receptivo r y salto j de cada capa de DigitCNN, con la recurrencia."""
    layers = spatial_layers(DigitCNN())
    lines = ["| Capa | $k$ | $s$ | Salto $j$ | Campo receptivo $r$ |",
             "| --- | ---: | ---: | ---: | --- |"]
    r_prev, j_prev = 1, 1
    for (name, k, _, s), (_, r, j) in zip(layers, receptive_fields(layers)):
        lines.append(f"| `{name}` | {k} | {s} | {j} | "
                     f"{r_prev} + ({k} − 1)·{j_prev} = **{r}** |")
        r_prev, j_prev = r, j
    return "\n".join(lines)


def campo_receptivo_fc():
    layers = spatial_layers(DigitCNN())
    _, r, j = receptive_fields(layers)[-1]
    side = 28
    for _, k, p, s in layers:
        side = output_size(side, k, p, s)
    span = r + (side - 1) * j
    return (f"Cada salida de `fc` combina las {side}×{side} posiciones de `pool2`, y la "
            f"zona que cubren entre todas mide {r} + ({side} − 1)·{j} = {span} píxeles de "
            f"lado, más que la imagen (28): la capa final ve el dígito entero.")


def softmax_example():
    """Logits del primer dígito de prueba bien clasificado con probabilidad menor que 0,9."""
    net, data = results.model(), results.split()
    with results.one_thread(), torch.no_grad():
        logits = net(data.x_test)
    probs = logits.softmax(1)
    ok = (probs.argmax(1) == data.y_test) & (probs.max(1).values < 0.9)
    i = int(torch.nonzero(ok)[0])
    return i, logits[i].double(), int(data.y_test[i])


def tabla_softmax():
    i, z, y = softmax_example()
    e = torch.exp(z)
    p = e / e.sum()
    lines = ["| Clase $k$ | Logit $z_k$ | $e^{z_k}$ | $p_k$ |",
             "| ---: | ---: | ---: | ---: |"]
    for k in range(len(z)):
        mark = "**" if k == y else ""
        lines.append(f"| {mark}{k}{mark} | {spanish.decimal(z[k], 2)} | "
                     f"{_exp_text(float(e[k]))} | {spanish.decimal(p[k], 4)} |")
    lines.append(f"| **suma** | | {_exp_text(float(e.sum()))} | "
                 f"{spanish.decimal(p.sum(), 4)} |")
    return "\n".join(lines)


def _exp_text(value):
    """e^z con cuatro cifras significativas, siempre en notación científica para que
    toda la columna se lea igual: «2,617·10²», «6,727·10⁻³», «1,000·10⁰»."""
    return spanish.scientific(value, 3)


def softmax_resumen():
    i, z, y = softmax_example()
    p = torch.softmax(z, 0)
    second = int(torch.argsort(p, descending=True)[1])
    loss = -math.log(float(p[y]))
    return (f"Es el dígito de prueba de índice {i}, un {y}: la red le da la probabilidad "
            f"{spanish.decimal(p[y], 4)} a su clase y {spanish.decimal(p[second], 4)} al "
            f"{second}, la siguiente. Su entropía cruzada es "
            f"$L = -\\log p_{{{y}}} \\approx {_math(loss)}$; si la red le diera probabilidad 1 a "
            "la clase correcta, la pérdida sería 0.")


def _math(x, places=4):
    """Un decimal dentro de una fórmula: la coma entre llaves para que no deje espacio."""
    return spanish.decimal(x, places).replace(",", "{,}")


# --- Inicialización, ReLU muertas y desplazamientos ------------------------------

def inicializacion_resumen():
    """La desviación típica tras 10 capas conv + ReLU con cada inicialización."""
    from ...initialization import activation_stds
    default, he = activation_stds("pytorch"), activation_stds("he")
    depth = len(default)
    factor = (default[-1] / default[0]) ** (1 / (depth - 1))
    if not (he[-1] > 0.1 and default[-1] < 0.01 * he[-1]):
        raise ValueError(f"la inicialización no se comporta como dice la página: {default}, {he}")
    return (f"Con ruido de desviación típica 1 a la entrada de {depth} capas convolucionales "
            f"de 3×3 con 16 canales y ReLU, sin sesgos, la desviación típica de la salida con "
            f"la inicialización de PyTorch baja de {spanish.decimal(default[0], 2)} tras la "
            f"primera capa a {spanish.scientific(default[-1], 2)} tras la décima: se multiplica por "
            f"{spanish.decimal(factor, 2)} en cada capa, cerca del $1/\\sqrt{{6}} \\approx 0{{,}}41$ "
            f"de la cuenta. Con la de He se queda entre {spanish.decimal(min(he), 2)} y "
            f"{spanish.decimal(max(he), 2)}.")


def desplazamiento_resumen():
    """Lo que muestra la figura del dígito desplazado, con sus números."""
    from ...shift import digit_example
    _, label, report, _ = digit_example()
    one = report.shifts.index(1)
    two = report.shifts.index(2)
    aligned = max(report.conv1_aligned)
    if aligned > 1e-4:
        raise ValueError(f"conv1 devuelto a su sitio no coincide con el original: {aligned}")
    c = {name: values[one] for name, values in report.change.items()}
    c2 = {name: values[two] for name, values in report.change.items()}
    pct = lambda x: spanish.percent(x, 0)        # noqa: E731
    less = c["pool2"] < c["conv1"]
    probs = report.prob
    same = ("coincide exactamente con la original" if aligned == 0 else
            "coincide con la original salvo errores de redondeo (menos del 0,01" +
            spanish.NO_BREAK_SPACE + "%)")
    text = (f"Con el {label} desplazado 1 píxel, la salida de `conv1` cambia un {pct(c['conv1'])} "
            f"(en norma), pero devuelta a su sitio {same}, también con desplazamientos de "
            f"hasta {report.shifts[-1]} píxeles. Es la equivariancia. ")
    if less:
        text += (f"Tras los dos poolings, `pool2` cambia menos, un {pct(c['pool2'])}; "
                 f"con 2 píxeles, {pct(c2['conv1'])} en `conv1` y {pct(c2['pool2'])} en "
                 "`pool2`. ")
    else:
        text += (f"Aquí los poolings no reducen el cambio: `pool2` cambia un {pct(c['pool2'])}. ")
    floor = math.floor(min(probs) * 1e4) / 1e4
    if floor >= 0.99:
        text += ("En cambio, la probabilidad que da la red a la clase correcta apenas se mueve: "
                 f"es al menos {spanish.decimal(floor, 4)} con todos los desplazamientos. La "
                 "decisión final es mucho más estable que cualquier capa intermedia.")
    else:
        text += ("La probabilidad que da la red a la clase correcta va de "
                 f"{spanish.decimal(probs[0], 3)} sin desplazar a "
                 f"{spanish.decimal(min(probs), 3)} en el peor caso.")
    return text


def relu_muertas():
    """Canales de DigitCNN entrenada que no se activan con ningún dígito de prueba."""
    net, data = results.model(), results.split()
    with results.one_thread(), torch.no_grad():
        a1 = torch.relu(net.conv1(data.x_test))
        a2 = torch.relu(net.conv2(net.pool1(a1)))
    parts = []
    for name, act in (("conv1", a1), ("conv2", a2)):
        alive = act.amax(dim=(0, 2, 3)) > 0           # ¿positivo alguna vez?
        share = (act > 0).float().mean(dim=(0, 2, 3))  # fracción de posiciones activas
        parts.append((name, act.shape[1], int((~alive).sum()), float(share[alive].min())))
    n_test = len(data.x_test)
    dead = [f"{d} de los {n} canales de `{name}`" for name, n, d, _ in parts if d]
    (n1, _, _, low1), (n2, _, _, low2) = parts
    rarest = (f"de `{n1}` es positivo en el {spanish.percent(low1, 1)} de las posiciones "
              f"(sumando todos los dígitos), y el de `{n2}`, en el {spanish.percent(low2, 1)}")
    if dead:
        return (f"En la `DigitCNN` entrenada hay ReLU muertas: {' y '.join(dead)} no dan un "
                f"valor positivo con ninguno de los {spanish.integer(n_test)} dígitos de prueba. "
                f"Entre los demás, el canal menos activo {rarest}.")
    return (f"En la `DigitCNN` entrenada no hay ningún canal muerto: todos los de `conv1` y "
            f"`conv2` dan algún valor positivo con los {spanish.integer(n_test)} dígitos de "
            f"prueba. El canal menos activo {rarest}.")


def max_desplazamiento():
    """Desplazamiento máximo (píxeles) del aumento de datos del entrenamiento."""
    from ...training import MAX_SHIFT
    return spanish.integer(MAX_SHIFT)
