"""Línea de órdenes: ``python -m cnnviz train | figures | export-lab``."""

import argparse
import sys

from . import spanish


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m cnnviz")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("train", help="entrena DigitCNN (o usa la caché) y muestra sus métricas")
    fig = sub.add_parser("figures", help="genera las figuras (todas sus variantes)")
    fig.add_argument("--out", default=None,
                     help="carpeta donde copiarlas (<nombre><variante>.png); siempre van a la caché")
    fig.add_argument("--jobs", type=int, default=None,
                     help="procesos en paralelo (por defecto, uno por núcleo; 1: en este proceso)")
    lab = sub.add_parser("export-lab", help="escribe una red de la familia DigitCNN en el formato del "
                                             "laboratorio (botón «Cargar tu red»)")
    lab.add_argument("--out", required=True, help="archivo .json que escribir (p. ej. modelo.json)")
    lab.add_argument("--pesos", default=None,
                     help="state_dict guardado con torch.save(red.state_dict(), ruta) de una DigitCNN o "
                          "DigitCNNVariant (por defecto, la red del sitio, con sus épocas)")
    args = parser.parse_args(argv)

    if args.command == "export-lab":
        return _export_lab(args.out, args.pesos)

    if args.command == "train":
        from .training import _cache_paths, trained_model
        model, meta = trained_model(progress=None)
        print(f"pesos: {_cache_paths()[0]}")
        print(f"exactitud en prueba: {spanish.percent(meta['accuracy'], 2)} "
              f"({spanish.integer(meta['n_test'])} imágenes); "
              f"entrenamiento: {spanish.decimal(meta['train_seconds'], 1)} s")
    elif args.command == "figures":
        try:
            from .site.build.pipeline import render_figures
        except ModuleNotFoundError:
            print("error: `figures` necesita una copia del repositorio (carpeta code/): "
                  "el paquete que publica el sitio no trae las herramientas de construcción",
                  file=sys.stderr)
            return 2
        from pathlib import Path

        figures, status = render_figures(max_workers=args.jobs)
        out = Path(args.out) if args.out else None
        if out:
            out.mkdir(parents=True, exist_ok=True)
        for name, images in figures.items():
            print(f"{status[name]:9} {name} ({len(images)} variantes)")
            for variant_suffix, data in images.items() if out else ():
                (out / f"{name}{variant_suffix}.png").write_bytes(data)
    return 0


def _export_lab(out, weights):
    import json

    from .lab_format import LabFormatError, export_lab, model_from_state

    try:
        if weights is None:
            from .training import trained_checkpoints, trained_model
            model, _ = trained_model(progress=None)
            checkpoints, accuracies = trained_checkpoints()
            path = export_lab(model, out, checkpoints=checkpoints, accuracies=accuracies)
        else:
            import torch
            try:
                state = torch.load(weights, map_location="cpu", weights_only=True)
            except Exception as exc:
                raise LabFormatError(f"no se pudo leer «{weights}» como un state_dict de PyTorch "
                                     f"(torch.save(red.state_dict(), ruta)): {exc}") from exc
            path = export_lab(model_from_state(state), out)
    except (LabFormatError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from .spanish import percent
    data = json.loads(path.read_text(encoding="utf-8"))
    capas = ", ".join(f"{c['nombre']} {'×'.join(map(str, c['salida']))}"
                      for c in data["arquitectura"] if c["tipo"] != "relu")
    print(f"escrito {out}: {capas}; exactitud en prueba {percent(data['exactitud'])}")
    print("cárgalo en el laboratorio del sitio (laboratorio/) con el botón «Cargar tu red»")
    return 0


if __name__ == "__main__":
    sys.exit(main())
