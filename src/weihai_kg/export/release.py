"""A release: one folder per version holding every dump of the dataset (``formats.DUMPS``),
the ontology and the shapes at their version IRIs, the VoID/DCAT description of that
release (sizes and SHA-256 of every file, its issue date, the release before it), a
``SHA256SUMS`` file and a README made from the data changelog. File names carry the version.

Each dump is written by the same code as the server's ``/store`` and ``/export`` answers, so
a server of the same build sends the same bytes (tests check it). The folder is written
beside its final place and renamed into it: a failed release leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from weihai_kg import formats
from weihai_kg.errors import ConfigError
from weihai_kg.export import rdf as export
from weihai_kg.export.render import render
from weihai_kg.namespaces import BASE, GRAPH_ONTOLOGY, ONTOLOGY_IRI, PREFIXES, VOID_PREFIXES
from weihai_kg.project import ProjectPaths
from weihai_kg.read.void import Dump, Release, dataset_version, describe_dataset, describe_files
from weihai_kg.sources import read_file
from weihai_kg.store.reading import ReadStore

SUMS = "SHA256SUMS"
SHAPES_IRI = f"{BASE}shapes"
VERSION_INFO = NamedNode(PREFIXES["owl"] + "versionInfo")
VERSION_IRI = NamedNode(PREFIXES["owl"] + "versionIRI")
# "## 0.2.0 — 2026-12-05" or "## 0.2.0 — unreleased": a version of the data changelog
HEADING = re.compile(r"^## (\S+)\s+[—-]\s+(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class ReleaseFile:
    """One file of a release folder: its name, media type and where it is."""

    name: str
    media_type: str
    path: Path


def dump_name(version: str, key: str) -> str:
    return f"weihai-kg-{version}.{formats.EXPORTS[key].extension}"


def void_name(version: str) -> str:
    return f"weihai-kg-{version}.void.ttl"


def ontology_name(version: str) -> str:
    return f"weihai-kg-ontology-{version}.ttl"


def shapes_name(version: str) -> str:
    return f"weihai-kg-shapes-{version}.ttl"


def dump_body(store: ReadStore, key: str) -> bytes:
    """The whole dataset in ``key``, as the server sends it: the named graphs and the union
    default graph for N-Quads and TriG (``/store``), else ``/export/KEY``'s bytes."""
    if key in formats.WITH_GRAPHS:
        return formats.write_rdf(export.dataset_quads(store), key)
    return render(store, key)


@dataclass(frozen=True)
class Changelog:
    """The data changelog (``CHANGELOG.md``): each version's heading and text, newest first."""

    versions: list[tuple[str, str, str]]  # (version, "unreleased" or a date, the text under the heading)

    @classmethod
    def read(cls, path: Path) -> Changelog:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise ConfigError(f"{path}: cannot read the data changelog ({e.strerror or e})") from e
        found = list(HEADING.finditer(text))
        versions = [(m[1], m[2], text[m.end() : (found[i + 1].start() if i + 1 < len(found) else len(text))].strip()) for i, m in enumerate(found)]
        return cls(versions)

    def entry(self, version: str) -> tuple[str, str]:
        for name, when, body in self.versions:
            if name == version:
                return when, body
        raise ConfigError(f"CHANGELOG.md has no section for version {version} (a heading '## {version} — DATE'); say what changed before releasing it")

    def previous_release(self, version: str) -> str | None:
        """The newest older version the changelog gives a release date; None if there is none."""
        names = [v[0] for v in self.versions]
        for name, when, _ in self.versions[names.index(version) + 1 :]:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", when):
                return name
        return None


def _checked_version(store: ReadStore, project: ProjectPaths) -> tuple[str, list[Quad]]:
    """The version the ontology states, checked against its version IRI and the shapes'."""
    version = dataset_version(store)
    if not version:
        raise ConfigError(f"the ontology <{ONTOLOGY_IRI}> states no owl:versionInfo: a release needs a version")
    iris = [str(q.object.value) for q in store.quads_for_pattern(NamedNode(ONTOLOGY_IRI), VERSION_IRI, None, GRAPH_ONTOLOGY) if isinstance(q.object, NamedNode)]
    if iris != [f"{ONTOLOGY_IRI}/{version}"]:
        raise ConfigError(f"the ontology's owl:versionIRI is {iris or 'missing'}, not <{ONTOLOGY_IRI}/{version}> as its owl:versionInfo {version} says")
    shapes = [q for f in project.shapes_files() for q in read_file(f)]
    stated = {q.object.value for q in shapes if q.subject == NamedNode(SHAPES_IRI) and q.predicate == VERSION_INFO and isinstance(q.object, Literal)}
    if stated != {version}:
        raise ConfigError(f"the shapes <{SHAPES_IRI}> state owl:versionInfo {sorted(stated) or 'none'}, the ontology {version}: make them agree")
    return version, shapes


def write_release(
    store: ReadStore,
    project: ProjectPaths,
    out: Path,
    build_id: str,
    built_at: str,
    issued: str | None = None,
    base_url: str | None = None,
    force: bool = False,
) -> Path:
    """Write the release of the store's version into ``out/VERSION``; returns that folder.
    Raises ConfigError when the versions disagree, the changelog has no entry for it, or
    the folder exists (unless ``force``)."""
    version, shapes = _checked_version(store, project)
    changelog = Changelog.read(project.changelog)
    when, changes = changelog.entry(version)
    previous = changelog.previous_release(version)
    issued = issued or dt.datetime.now(dt.UTC).date().isoformat()
    try:
        dt.date.fromisoformat(issued)
    except ValueError as e:
        raise ConfigError(f"--issued {issued!r} is not a date (YYYY-MM-DD)") from e
    base_url = base_url or f"{BASE}release/{version}/"
    if not base_url.endswith("/"):
        base_url += "/"
    final = out / version
    if final.exists() and not force:
        raise ConfigError(f"{final} exists: a release is not rewritten in place (pass --force to replace it)")
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=out))
    try:
        written: list[ReleaseFile] = []

        def put(name: str, media_type: str, body: bytes) -> Dump:
            (work / name).write_bytes(body)
            written.append(ReleaseFile(name, media_type, work / name))
            return Dump(base_url + name, media_type, body)

        dumps = [put(dump_name(version, k), formats.EXPORTS[k].media_type, dump_body(store, k)) for k in formats.DUMPS]
        turtle = formats.GRAPHS["turtle"].media_type
        ontology = formats.write_rdf(list(store.quads_for_pattern(None, None, None, GRAPH_ONTOLOGY)), "turtle")
        parts = [put(ontology_name(version), turtle, ontology), put(shapes_name(version), turtle, formats.write_rdf(shapes, "turtle"))]
        release = Release(version, issued, previous, base_url)
        triples = describe_dataset(store, None, dumps, build_id, built_at, release)
        triples += describe_files(NamedNode(f"{ONTOLOGY_IRI}/{version}"), parts[:1], data_dumps=False)
        triples += describe_files(NamedNode(f"{SHAPES_IRI}/{version}"), parts[1:], data_dumps=False)
        put(void_name(version), turtle, formats.write_rdf(triples, "turtle", VOID_PREFIXES))
        (work / "README.md").write_text(_readme(version, issued, when, previous, changes, written, base_url), encoding="utf-8")
        written.append(ReleaseFile("README.md", formats.MARKDOWN.media_type, work / "README.md"))
        sums = "".join(f"{hashlib.sha256(f.path.read_bytes()).hexdigest()}  {f.name}\n" for f in sorted(written, key=lambda f: f.name))
        (work / SUMS).write_text(sums, encoding="utf-8")
        work.chmod(0o755)
        if final.exists():
            shutil.rmtree(final)
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final


def _readme(version: str, issued: str, when: str, previous: str | None, changes: str, files: list[ReleaseFile], base_url: str) -> str:
    rows = "\n".join(f"| `{f.name}` | {f.media_type} | {f.path.stat().st_size:,} |" for f in files)
    before = f"The release before it is {previous}." if previous else "It is the first release: no earlier version was released."
    note = " The changelog still lists this version as unreleased: this folder is a preview of it." if when == "unreleased" else ""
    return f"""# weihai-kg {version}

The knowledge graph of 한중Zine Vol.193 (Incheon Development Institute, 2016-11-21) on
Weihai's cross-border e-commerce, Internet+ and smart-city policies, version {version},
issued {issued}.{note} {before} The data is licensed CC BY 4.0; each statement is in the named
graph of the place in the report that makes it.

Published under <{base_url}>; the dataset of this version is <{BASE}dataset/{version}>, its
ontology <{ONTOLOGY_IRI}/{version}> and its shapes <{SHAPES_IRI}/{version}>.

## Files

| File | Media type | Bytes |
|---|---|---:|
{rows}

N-Quads and TriG hold every named graph and the union default graph; Turtle, N-Triples,
RDF/XML and JSON-LD (its context inlined) the union graph; GraphML and GEXF the network of
entities for graph tools. `{void_name(version)}` describes them all (VoID and DCAT, with sizes
and SHA-256). Check the files with `sha256sum -c {SUMS}`.

## What changed in {version}

{changes}
"""


def release_files(folder: Path) -> list[ReleaseFile]:
    """The dumps of a release folder, in ``formats.DUMPS`` order, each checked against the
    folder's ``SHA256SUMS``; raises ConfigError for a folder that is not a whole release."""
    try:
        lines = (folder / SUMS).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ConfigError(f"{folder}: not a weihai-kg release folder (no readable {SUMS}: {e.strerror or e})") from e
    sums = {name: digest for digest, _, name in (line.partition("  ") for line in lines if line.strip())}
    versions = [name.removeprefix("weihai-kg-").removesuffix(".void.ttl") for name in sums if re.fullmatch(r"weihai-kg-[^/]+\.void\.ttl", name)]
    if len(versions) != 1:
        raise ConfigError(f"{folder}: {SUMS} names {len(versions)} VoID descriptions (weihai-kg-VERSION.void.ttl), not one")
    found = []
    for key in formats.DUMPS:
        name = dump_name(versions[0], key)
        path = folder / name
        if name not in sums or not path.is_file():
            raise ConfigError(f"{folder}: the release has no {name}")
        if hashlib.sha256(path.read_bytes()).hexdigest() != sums[name]:
            raise ConfigError(f"{path}: its SHA-256 is not the one {SUMS} gives; the file changed after the release")
        found.append(ReleaseFile(name, formats.EXPORTS[key].media_type, path))
    return found
