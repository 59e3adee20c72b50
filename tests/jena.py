"""Apache Jena's command-line tools (``riot``, ``shacl``, ``rsparql``) from Debian's
``libapache-jena-java``, run with ``java -cp``.

Debian ships the jars without Jena's shell scripts, so the class path is read from the
packages' own file lists. Debian's jena-core 4.5.0 also moves Jena's bundled Xerces classes
to the package ``xerces`` but leaves their message files under ``org/apache/jena/ext/xerces``,
so the first XSD datatype Jena builds fails with "internal error" (InvalidRegex: the regex
parser finds no messages). Copying those message files to where the moved classes look
(a folder put on the class path) is all the fix needs; nothing of Jena's is changed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from functools import cache
from pathlib import Path

PACKAGES = [
    "libapache-jena-java",
    "libcommons-cli-java",
    "libcommons-codec-java",
    "libcommons-compress-java",
    "libcommons-csv-java",
    "libcommons-io-java",
    "libcommons-lang3-java",
    "libcommons-logging-java",
    "libdexx-java",
    "libgoogle-gson-java",
    "libguava-java",
    "libhttpclient-java",
    "libhttpcore-java",
    "libjackson2-annotations-java",
    "libjackson2-core-java",
    "libjackson2-databind-java",
    "libjsonld-java",
    "libjsonp2-java",
    "libprotobuf-java",
    "libthrift-java",
    "libtitanium-json-ld-java",
]
LOGGING = ["/usr/share/java/slf4j-api.jar", "/usr/share/java/slf4j-simple.jar"]  # one binding (no log4j conflicts), warnings and errors only
CORE = Path("/usr/share/java/jena-core.jar")


def available() -> bool:
    return shutil.which("java") is not None and CORE.exists()


@cache
def class_path() -> str:
    jars: list[str] = []
    for package in PACKAGES:
        listed = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=False).stdout.split()
        # each jar is there twice, as name.jar and name-VERSION.jar: take the unversioned link
        jars += [j for j in listed if j.endswith(".jar") and not j.rsplit("-", 1)[-1][:1].isdigit()]
    return ":".join([*jars, *LOGGING, str(_messages())])


def _messages() -> Path:
    folder = Path(tempfile.gettempdir()) / f"weihai-kg-jena-messages-{int(CORE.stat().st_mtime)}"
    if not (folder / "xerces").is_dir():
        staging = Path(tempfile.mkdtemp(prefix="jena-messages-"))
        prefix = "org/apache/jena/ext/xerces/"
        with zipfile.ZipFile(CORE) as jar:
            for name in jar.namelist():
                if name.startswith(prefix) and name.endswith(".properties"):
                    target = staging / "xerces" / name.removeprefix(prefix)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(jar.read(name))
        staging.replace(folder) if not folder.exists() else shutil.rmtree(staging)
    return folder


def syntax_of(path: Path) -> list[str]:
    """riot's options to read ``path``. JSON-LD is read by jsonld-java (JSON-LD 1.0): Debian's
    Jena reads JSON-LD 1.1 with Titanium, which needs a Jakarta JSON-P implementation that
    Debian 12 does not package (only the API, libjsonp2-java: "Provider
    org.eclipse.parsson.JsonProviderImpl not found"), so every JSON-LD 1.1 read fails with
    "The document could not be loaded or parsed"."""
    return ["--syntax=jsonld10"] if path.suffix == ".jsonld" else []


def run(main_class: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """A Jena command (``riotcmd.riot``, ``shacl.shacl``, ``arq.rsparql``) with its output."""
    command = ["java", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", class_path(), main_class, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
