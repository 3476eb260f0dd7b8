"""Línea de órdenes: ``python -m cnnviz train | figures``."""

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
    args = parser.parse_args(argv)

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


if __name__ == "__main__":
    sys.exit(main())
