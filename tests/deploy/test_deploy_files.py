"""The container and deployment files: Dockerfile, compose.yaml and deploy/kubernetes/.

They are read as text and YAML (no Docker or cluster needed); `.ci/image` builds and runs
the image itself.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
SECRET_KEYS = {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DATABASE_URL"}


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def args_of(keyword: str) -> list[str]:
    return [rest for kw, rest in instructions() if kw == keyword]


def documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def kubernetes_objects() -> list[dict[str, Any]]:
    return [doc for path in sorted(KUBERNETES.glob("*.yaml")) for doc in documents(path)]


def one(kind: str) -> dict[str, Any]:
    objects = [obj for obj in kubernetes_objects() if obj.get("kind") == kind]
    assert len(objects) == 1, f"expected one {kind} in deploy/kubernetes, found {len(objects)}"
    return objects[0]


def containers(workload: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = workload["spec"]["template"]["spec"]["containers"]
    assert found, f"{workload['kind']} has no containers"
    return found


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


# ---- Dockerfile ------------------------------------------------------------------------


def test_dockerfile_is_multi_stage_on_the_base_image_argument() -> None:
    steps = instructions()
    assert steps[0][0] == "ARG" and steps[0][1].startswith("BASE_IMAGE="), steps[0]
    assert steps[0][1] == "BASE_IMAGE=python:3.11-slim"
    froms = args_of("FROM")
    assert len(froms) >= 2, froms
    for base in froms:
        assert base.split()[0] == "${BASE_IMAGE}", f"FROM {base} does not use ARG BASE_IMAGE"
    builder = froms[0].split()
    assert len(builder) == 3 and builder[1].upper() == "AS", froms[0]
    copies = [c for c in args_of("COPY") if c.startswith(f"--from={builder[2]} ")]
    assert any("/opt/venv" in c for c in copies), "the runtime stage does not copy the venv"
    assert any("examples" in c for c in copies), "the image lacks examples/ (goalbot demo)"


def test_dockerfile_installs_the_project_into_a_venv() -> None:
    runs = " ".join(args_of("RUN"))
    assert "python3 -m venv /opt/venv" in runs
    assert re.search(r"/opt/venv/bin/pip install .*/src\b", runs), runs
    assert "-e " not in runs and "--editable" not in runs, "the image installs editable"


def test_dockerfile_runs_as_a_non_root_user() -> None:
    users = args_of("USER")
    assert users, "no USER instruction"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}, f"the final USER is {users[-1]}"
    assert user in {"10001", "goalbot"}
    assert "--uid 10001" in " ".join(args_of("RUN"))


def test_dockerfile_serves_on_port_3000_with_a_health_check() -> None:
    assert args_of("WORKDIR")[-1] == "/app"
    env = " ".join(args_of("ENV"))
    assert "PORT=3000" in env and "PYTHONUNBUFFERED=1" in env
    assert args_of("EXPOSE") == ["3000"]
    (check,) = args_of("HEALTHCHECK")
    assert "CMD" in check and "urllib.request" in check and "/healthz" in check
    assert "127.0.0.1" in check and "PORT" in check
    assert args_of("ENTRYPOINT") == ['["goalbot"]']
    assert args_of("CMD") == ['["serve"]']


def test_dockerignore_keeps_local_state_out() -> None:
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for entry in (".git", ".venv", ".env", "**/*.db", "goalbot-transcript*.html"):
        assert entry in ignored, f".dockerignore lacks {entry}"
    for needed in ("examples", "README.md", "pyproject.toml"):
        assert needed not in ignored, f".dockerignore leaves {needed} out of the build"


# ---- compose.yaml ----------------------------------------------------------------------


def test_compose_runs_postgres_then_migrate_then_goalbot() -> None:
    services = compose()["services"]
    assert {"postgres", "migrate", "goalbot"} <= set(services)
    postgres, migrate, goalbot = services["postgres"], services["migrate"], services["goalbot"]
    assert postgres["image"] == "postgres:17"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    volume = postgres["volumes"][0].split(":")[0]
    assert volume in compose()["volumes"], "postgres data is not on a named volume"

    assert migrate["command"] == ["migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert goalbot["command"][0] == "serve" and "--socket" not in goalbot["command"]
    assert goalbot["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
    assert any(str(port).endswith("3000") for port in goalbot["ports"])


def test_compose_builds_the_dockerfile_and_passes_the_settings() -> None:
    services = compose()["services"]
    for name in ("migrate", "goalbot"):
        service = services[name]
        assert service["build"]["dockerfile"] == "Dockerfile", name
        assert service["build"]["context"] == ".", name
        env = service["environment"]
        assert env["DATABASE_URL"].startswith("postgresql+psycopg://goalbot:${POSTGRES_PASSWORD")
        assert env["DATABASE_URL"].endswith("@postgres:5432/goalbot"), env["DATABASE_URL"]
        assert any(e == ".env" or e.get("path") == ".env" for e in service["env_file"]), name
    env = services["goalbot"]["environment"]
    for key in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        assert env[key].startswith("${" + key), f"{key} does not come from the environment"


# ---- deploy/kubernetes -----------------------------------------------------------------


def test_every_manifest_parses_and_names_its_kind() -> None:
    paths = sorted(KUBERNETES.glob("*.yaml"))
    names = {path.name for path in paths}
    expected = {"secret.yaml", "deployment.yaml", "service.yaml", "migration-job.yaml"}
    assert expected <= names
    for path in paths:
        for doc in documents(path):
            assert doc.get("apiVersion") and doc.get("kind"), path.name
            assert doc["metadata"]["name"], path.name


def test_the_secret_defines_every_key_goalbot_reads() -> None:
    secret = one("Secret")
    assert secret["metadata"]["name"] == "goalbot"
    assert set(secret.get("stringData", {})) | set(secret.get("data", {})) == SECRET_KEYS


def test_the_deployment_runs_two_non_root_replicas_with_probes() -> None:
    deployment = one("Deployment")
    spec = deployment["spec"]
    assert spec["replicas"] == 2
    pod = spec["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    assert pod["terminationGracePeriodSeconds"] >= 40  # serve drains for up to 30 s
    labels = spec["template"]["metadata"]["labels"]
    assert spec["selector"]["matchLabels"].items() <= labels.items()

    (container,) = containers(deployment)
    assert container["args"][0] == "serve"
    ports = {p.get("name"): p["containerPort"] for p in container["ports"]}
    assert 3000 in ports.values()

    def probe_port(probe: dict[str, Any]) -> int:
        port = probe["httpGet"]["port"]
        return int(ports[port]) if isinstance(port, str) else int(port)

    liveness, readiness = container["livenessProbe"], container["readinessProbe"]
    assert liveness["httpGet"]["path"] == "/healthz" and probe_port(liveness) == 3000
    assert readiness["httpGet"]["path"] == "/readyz" and probe_port(readiness) == 3000
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(container["resources"][kind]), kind
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    mounts = {m["mountPath"] for m in container.get("volumeMounts", [])}
    assert "/tmp" in mounts, "a read-only root needs a writable /tmp"


def test_the_service_reaches_the_deployment_pods() -> None:
    service, deployment = one("Service"), one("Deployment")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    (port,) = service["spec"]["ports"]
    (container,) = containers(deployment)
    named = {p.get("name"): p["containerPort"] for p in container["ports"]}
    assert named.get(port["targetPort"], port["targetPort"]) == 3000


def test_the_migration_job_runs_goalbot_migrate() -> None:
    job = one("Job")
    pod = job["spec"]["template"]["spec"]
    assert pod["restartPolicy"] in {"Never", "OnFailure"}
    assert pod["securityContext"]["runAsNonRoot"] is True
    (container,) = containers(job)
    command = [*container.get("command", []), *container.get("args", [])]
    assert "migrate" in command, command
    assert container["image"] == containers(one("Deployment"))[0]["image"]


@pytest.mark.parametrize("kind", ["Deployment", "Job"])
def test_every_secret_reference_names_a_key_of_the_secret(kind: str) -> None:
    secret = one("Secret")
    defined = set(secret.get("stringData", {})) | set(secret.get("data", {}))
    refs = [
        env["valueFrom"]["secretKeyRef"]
        for container in containers(one(kind))
        for env in container.get("env", [])
        if "secretKeyRef" in env.get("valueFrom", {})
    ]
    assert refs, f"the {kind} reads nothing from the Secret"
    for ref in refs:
        assert ref["name"] == secret["metadata"]["name"], ref
        assert ref["key"] in defined, f"{kind} reads {ref['key']}, which the Secret lacks"
    names = {env["name"] for container in containers(one(kind)) for env in container["env"]}
    wanted = SECRET_KEYS if kind == "Deployment" else {"DATABASE_URL"}
    assert wanted <= names, f"{kind} lacks {wanted - names}"


def test_the_ci_script_builds_and_runs_the_image() -> None:
    script = (ROOT / ".ci" / "image").read_text(encoding="utf-8")
    assert script.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in script
    for step in ("debootstrap ", "buildah bud", "--storage-driver vfs", "hadolint "):
        assert step in script, f".ci/image lacks {step.strip()}"
    assert "goalbot --help" in script and "goalbot demo --weeks 2" in script
