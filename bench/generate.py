"""Report-like data at any size, in weihai-kg's own ontology, for the benchmarks.

    .venv/bin/python -m bench.generate --triples 1000000 --out build/bench/1m

Writes a checkout-shaped folder (``ontology`` and ``shapes`` linked to this checkout,
``data/reports.nq`` generated) that ``weihai-kg build --root OUT`` builds and validates like
the real data. Report 0 is the real report, unchanged, so the named queries keep their
answers; reports 1..N-1 are copies of its whole structure (plans, tables, projects,
agencies, districts, periods, money, yearly targets, provenance graphs and their source
text) under their own IRIs (``/id/r00042/...``, ``/graph/r00042/...``), with
preferred labels made unique per report, amounts scaled and years shifted by a seeded
random draw. The same arguments always write the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import random
import re
import sys
import time
from pathlib import Path

from pyoxigraph import RdfFormat, serialize

from weihai_kg.project import ProjectPaths
from weihai_kg.sources import read_file

ROOT = Path(__file__).resolve().parent.parent

BASE = "https://w3id.org/weihai-kg/"
_PREF_LABEL = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
_LITERAL_END = re.compile(r'"(@[a-zA-Z-]+) <')  # the end of a language-tagged literal object
_YEAR = re.compile(r'"(\d{4})((?:-\d\d){0,2})"\^\^<http://www\.w3\.org/2001/XMLSchema#(gYear|gYearMonth|date)>')
_VALUE = re.compile(r'(<https://schema\.org/value> )"([0-9.]+)"\^\^<http://www\.w3\.org/2001/XMLSchema#decimal>')
_QUANTITY = re.compile(r'(<https://w3id\.org/weihai-kg/ontology#targetQuantity> )"(\d+)"\^\^<http://www\.w3\.org/2001/XMLSchema#integer>')


def base_lines(root: Path) -> tuple[list[str], int]:
    """The real report's data (not the ontology) as sorted N-Quads lines, and its number of distinct triples."""
    paths = ProjectPaths(root)
    quads = [q for path in paths.data_files() for q in read_file(path)]
    text = serialize(quads, format=RdfFormat.N_QUADS).decode("utf-8")
    return sorted(set(text.splitlines())), len({(q.subject, q.predicate, q.object) for q in quads})


def copy_report(lines: list[str], k: int, seed: int) -> str:
    """Report ``k``'s N-Quads: IRIs moved under ``r{k}``, labels tagged, numbers varied."""
    if k == 0:
        return "\n".join(lines) + "\n"
    rng = random.Random(f"{seed}:{k}")  # reproducible variety, not secrecy
    tag = f"r{k:05d}"
    shift = rng.randint(-6, 6)
    scale = rng.choice((0.5, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0))
    text = "\n".join(lines) + "\n"
    text = text.replace(f"<{BASE}id/", f"<{BASE}id/{tag}/").replace(f"<{BASE}graph/", f"<{BASE}graph/{tag}/")
    own = (f"<{BASE}id/{tag}/", f"<{BASE}graph/{tag}/")  # labels of pages elsewhere (sources) stay as they are
    text = "\n".join(_LITERAL_END.sub(f' ({tag})"\\1 <', line, count=1) if _PREF_LABEL in line and line.startswith(own) else line for line in text.split("\n"))
    text = _YEAR.sub(lambda m: f'"{int(m.group(1)) + shift:04d}{m.group(2)}"^^<http://www.w3.org/2001/XMLSchema#{m.group(3)}>', text)
    text = _VALUE.sub(lambda m: f'{m.group(1)}"{_scaled(m.group(2), scale)}"^^<http://www.w3.org/2001/XMLSchema#decimal>', text)
    text = _QUANTITY.sub(lambda m: f'{m.group(1)}"{int(int(m.group(2)) * scale)}"^^<http://www.w3.org/2001/XMLSchema#integer>', text)
    return text


def _scaled(value: str, scale: float) -> str:
    scaled = round(float(value) * scale, 2)
    return f"{scaled:.2f}".rstrip("0").rstrip(".") if scaled != int(scaled) else str(int(scaled))


def generate(out: Path, triples: int, seed: int = 193, root: Path = ROOT) -> dict[str, object]:
    """Write about ``triples`` distinct data triples as whole reports; returns what was written."""
    lines, per_report = base_lines(root)
    reports = max(1, math.ceil(triples / per_report))
    (out / "data").mkdir(parents=True, exist_ok=True)
    for name in ("ontology", "shapes", "queries"):
        link = out / name
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(os.path.relpath(root / name, out))
    target = out / "data" / "reports.nq"
    digest = hashlib.sha256()
    with target.open("w", encoding="utf-8") as handle:
        for k in range(reports):
            chunk = copy_report(lines, k, seed)
            handle.write(chunk)
            digest.update(chunk.encode("utf-8"))
    return {"reports": reports, "triples_per_report": per_report, "quads": reports * len(lines), "file": str(target), "sha256": digest.hexdigest()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, required=True, help="about how many distinct data triples (10000, 100000, 1000000, 10000000)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (a checkout-shaped root for 'weihai-kg build --root')")
    parser.add_argument("--seed", type=int, default=193)
    args = parser.parse_args()
    started = time.perf_counter()
    written = generate(args.out, args.triples, args.seed)
    print(
        f"wrote {written['reports']} reports × {written['triples_per_report']} triples ({written['quads']} quads) "
        f"to {written['file']} in {time.perf_counter() - started:.1f} s; sha256 {written['sha256']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
