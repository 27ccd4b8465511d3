"""app_manifest.yml is valid by Slack's official schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource

ROOT = Path(__file__).resolve().parents[2]
# Slack's official manifest schema (slackapi/manifest-schema, MIT), vendored unchanged.
SCHEMAS = Path(__file__).parent / "data" / "manifest-schema"
REMOTE = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"


def load_manifest() -> dict[str, Any]:
    """The app manifest as a dict."""
    manifest: dict[str, Any] = yaml.safe_load((ROOT / "app_manifest.yml").read_text())
    return manifest


def _validator() -> Draft7Validator:
    registry: Registry = Registry()
    for path in (SCHEMAS / "schemas").glob("*.json"):
        resource = Resource.from_contents(json.loads(path.read_text()))
        registry = registry.with_resource(REMOTE + path.name, resource)
    root = json.loads((SCHEMAS / "manifest.schema.json").read_text())
    return Draft7Validator(root, registry=registry)


def test_the_manifest_validates_against_slacks_schema() -> None:
    errors = sorted(_validator().iter_errors(load_manifest()), key=str)
    assert errors == []


def test_the_schema_check_catches_a_broken_manifest() -> None:
    broken = load_manifest()
    broken["display_information"]["name"] = "x" * 80
    broken["features"]["slash_commands"][0].pop("description")
    assert list(_validator().iter_errors(broken))
