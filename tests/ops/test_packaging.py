"""What deploys the service, checked as files (no container runtime or registry works on these machines):
compose.yaml's services, health checks, dependencies and its HAProxy file; the Dockerfile's HEALTHCHECK
(podman's OCI builds drop it, so the file is read) and its install from the lock; the locks themselves."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_has_the_deployment_shape(compose: dict):
    services = compose["services"]
    assert set(services) == {"db", "migrate", "api1", "api2", "haproxy"}
    assert services["db"]["image"].startswith("postgres:")
    # One-shot: migrate and seed once, never restarted, before any replica starts.
    migrate = services["migrate"]
    assert migrate["restart"] == "no"
    assert "salary-api migrate && salary-api seed" in " ".join(migrate["command"])
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("api1", "api2"):
        api = services[name]
        assert api["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }
        assert api["healthcheck"]["test"] == ["CMD", "python", "-m", "app.health.probe"]
        assert api["restart"] == "unless-stopped"
        assert api["environment"]["DATABASE_URL"].endswith("@db:5432/salary")
        assert "serve" in api["command"] and "migrate" not in api["command"]
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["db"]["restart"] == "unless-stopped"
    assert services["haproxy"]["depends_on"] == {
        "api1": {"condition": "service_healthy"},
        "api2": {"condition": "service_healthy"},
    }
    assert services["haproxy"]["restart"] == "unless-stopped"


def test_compose_mounts_the_tested_haproxy_config(compose: dict):
    haproxy = compose["services"]["haproxy"]
    mounts = [v.split(":") for v in haproxy["volumes"]]
    assert ["./deploy/haproxy.cfg", "/usr/local/etc/haproxy/haproxy.cfg", "ro"] in mounts
    config = (ROOT / "deploy" / "haproxy.cfg").read_text()
    # The replicas it names are the compose services, on the port their command serves.
    for var, service in (("API1", "api1"), ("API2", "api2")):
        assert haproxy["environment"][var] == f"{service}:8000"
        assert f'server {service} "${{{var}}}" check' in config
    assert haproxy["environment"]["HAPROXY_BIND"] == ":8080" and "8080:8080" in haproxy["ports"]
    # The proxy's address is the one the replicas trust for X-Forwarded-For.
    address = haproxy["networks"]["backend"]["ipv4_address"]
    trusted = compose["services"]["api1"]["environment"]["SALARY_API_TRUSTED_PROXIES"]
    assert address.rsplit(".", 1)[0] == trusted.split("/")[0].rsplit(".", 1)[0]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_dockerfile_has_a_standard_library_healthcheck_on_readyz():
    checks = [args for op, args in dockerfile_instructions() if op == "HEALTHCHECK"]
    assert len(checks) == 1
    assert re.search(r'CMD \["python", "-m", "app\.health\.probe"\]$', checks[0])
    assert "--interval=" in checks[0] and "--start-period=" in checks[0]
    probe = (ROOT / "app" / "health" / "probe.py").read_text()
    assert "/readyz" in probe
    imports = re.findall(r"^(?:import|from) (\S+)", probe, flags=re.M)
    assert imports and all(name.split(".")[0] in {"os", "sys", "urllib"} for name in imports), imports


def test_every_install_path_installs_from_the_lock():
    runs = [args for op, args in dockerfile_instructions() if op == "RUN" and "pip install" in args]
    assert runs[0] == "pip install --require-hashes -r requirements.lock"
    assert all("--no-deps" in run for run in runs[1:]) and len(runs) == 2
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet --require-hashes -r requirements-dev.lock" in makefile
    assert "pip install --quiet --no-deps --no-build-isolation -e ." in makefile
    ci = (ROOT / ".ci" / "run").read_text()
    assert "requirements-dev.lock" in ci and "apt-get install -y -qq haproxy" in ci


def locked(path: Path) -> dict[str, str]:
    """name -> version of every pin; each pin must carry at least one hash."""
    text = path.read_text()
    pins = dict(re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, flags=re.M))
    blocks = re.split(r"\n(?=[A-Za-z0-9_.\-]+==)", text.split("\n", 2)[2])
    for block in blocks:
        assert "--hash=sha256:" in block, block[:200]
    return {canonicalize_name(name): version for name, version in pins.items()}


@pytest.mark.parametrize(("lock", "groups"), [("requirements.lock", ()), ("requirements-dev.lock", ("dev",))])
def test_the_locks_pin_every_dependency_in_its_range(lock: str, groups: tuple[str, ...]):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = [Requirement(r) for r in project["project"]["dependencies"]]
    wanted += [Requirement(r) for g in groups for r in project["project"]["optional-dependencies"][g]]
    wanted += [Requirement(r) for r in project["build-system"]["requires"]]  # installed --no-build-isolation
    pins = locked(ROOT / lock)
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not in {lock}: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (requirement, pins[name])
    if not groups:
        assert "pytest" not in pins  # the image's lock holds no test tools
