"""Citation metadata: CITATION.cff (CFF 1.2.0) and the release's schema.org JSON-LD."""

from __future__ import annotations

import json

import jsonschema
import yaml
from pyld import jsonld

from conftest import FIXTURES, ROOT
from pubkit.formats import metadata
from pubkit.releases import assemble, buildinfo, index
from pubkit.standard import descriptor

PKG = descriptor.load(ROOT, trusted=True)
RELEASE = ROOT / "dist" / PKG.release_name
SCHEMA_ORG = "https://schema.org/"


def test_citation_cff_is_valid_cff_1_2_0():
    # The CFF 1.2.0 JSON Schema, as shipped by cffconvert, checked with the jsonschema package.
    schema = json.loads((FIXTURES / "cff-1.2.0.schema.json").read_text(encoding="utf-8"))
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    jsonschema.validate(_as_json(citation), schema)
    assert (citation["type"], citation["version"], citation["license"]) == ("dataset", PKG.version, "CC-BY-4.0")


def test_citation_cff_is_generated_from_the_latest_release():
    latest = index.load(ROOT)["releases"][-1]
    core = assemble.package_properties(PKG, buildinfo.build_date(PKG))
    assert (ROOT / "CITATION.cff").read_text(encoding="utf-8") == metadata.citation_cff(
        core, latest["date"], PKG.command("release")
    )


def test_an_invalid_citation_fails_the_schema():
    schema = json.loads((FIXTURES / "cff-1.2.0.schema.json").read_text(encoding="utf-8"))
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    del citation["authors"]
    try:
        jsonschema.validate(_as_json(citation), schema)
    except jsonschema.ValidationError as err:
        assert err.message == "'authors' is a required property"
    else:
        raise AssertionError("a citation without authors passed")


def _as_json(value):
    return json.loads(json.dumps(value, default=str))  # YAML dates become ISO strings, as CFF expects


def _local_schema_org(url, options=None):
    # No network: schema.org's context is its vocabulary, so map it locally.
    assert url.rstrip("/") + "/" == SCHEMA_ORG, url
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": {"@context": {"@vocab": SCHEMA_ORG}},
    }


def test_release_jsonld_parses_and_holds_what_catalogues_need():
    document = json.loads((RELEASE / "dataset.jsonld").read_text(encoding="utf-8"))
    [dataset] = jsonld.expand(document, {"documentLoader": _local_schema_org})
    s = lambda name: SCHEMA_ORG + name  # noqa: E731
    assert dataset["@type"] == [s("Dataset")]
    assert dataset[s("version")][0]["@value"] == PKG.version
    assert dataset[s("license")][0]["@value"] == "https://spdx.org/licenses/CC-BY-4.0.html"
    assert dataset[s("temporalCoverage")][0]["@value"] == "2012-01-01/2022-12-31"
    assert dataset[s("creator")][0][s("name")][0]["@value"] == "china-manufacturing-regions maintainers"
    assert dataset[s("spatialCoverage")][0][s("name")][0]["@value"] == "China"
    contained = [p[s("identifier")][0]["@value"] for p in dataset[s("spatialCoverage")][0][s("containsPlace")]]
    assert "china" not in contained and "west" in contained  # the country is not among the places it contains
    assert dataset[s("datePublished")][0]["@value"] == PKG.descriptor["created"][:10]
    for key in ("name", "description"):
        assert dataset[s(key)][0]["@value"]
    units = {v[s("propertyID")][0]["@value"]: v[s("unitText")][0]["@value"] for v in dataset[s("variableMeasured")]}
    indicators = PKG.table("indicators")
    assert len(units) == len((ROOT / indicators.path).read_text(encoding="utf-8").splitlines()) - 1
    files = {d[s("contentUrl")][0]["@value"]: d[s("sha256")][0]["@value"] for d in dataset[s("distribution")]}
    expected = {
        p: buildinfo.sha256_file(RELEASE / p)
        for p in index.files_of(RELEASE)
        if p not in ("SHA256SUMS", "dataset.jsonld")
    }
    assert files == expected


def test_a_doi_in_id_is_cited_as_a_doi_everywhere():
    """#16: a DOI put into `id` becomes CFF's `doi`, the JSON-LD identifier and the datasheet's citation."""
    core = {
        **assemble.package_properties(PKG, buildinfo.build_date(PKG)),
        "id": "https://doi.org/10.5281/zenodo.1234567",
    }
    citation = yaml.safe_load(metadata.citation_cff(core, "2026-11-27"))
    schema = json.loads((FIXTURES / "cff-1.2.0.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(_as_json(citation), schema)
    assert (citation["doi"], citation["identifiers"]) == (
        "10.5281/zenodo.1234567",
        [{"type": "doi", "value": "10.5281/zenodo.1234567"}],
    )
    assert metadata.jsonld(core, {})["identifier"] == "https://doi.org/10.5281/zenodo.1234567"
    assert assemble.citation(core).endswith(". https://doi.org/10.5281/zenodo.1234567")
    assert metadata.doi({**core, "id": "urn:uuid:6c7e1b2a-0000-4000-8000-000000000000"}) is None


def test_zenodo_json_holds_zenodos_deposit_fields_from_the_same_metadata():
    """#16: .zenodo.json (written by `make release`) gives a GitHub-Zenodo release its title, creators,
    licence, version and date, and only fields Zenodo's deposit metadata has."""
    deposit = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    schema = json.loads((FIXTURES / "zenodo-deposit.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(deposit, schema)
    latest = index.load(ROOT)
    assert (deposit["version"], deposit["publication_date"]) == (latest["latest"], latest["releases"][-1]["date"])
    assert (deposit["title"], deposit["license"]) == (PKG.descriptor["title"], PKG.descriptor["licenses"][0]["name"])
    assert [c["name"] for c in deposit["creators"]] == [c["title"] for c in PKG.descriptor["contributors"]]
    core = {**assemble.package_properties(PKG, buildinfo.build_date(PKG)), "id": "doi:10.5281/zenodo.42"}
    with_doi = json.loads(metadata.zenodo_json(core, "2026-11-27"))
    jsonschema.validate(with_doi, schema)
    assert with_doi["doi"] == "10.5281/zenodo.42"


def test_contributors_roles_and_names_as_v1_and_v2_write_them_decide_who_a_citation_names():
    """v2's ``roles`` (v1's ``role``) decide the authors: a creator or author is named, a publisher is the
    publisher, and a contributor besides them is not an author; a person named by givenName and familyName
    is a person in every citation."""
    core = {
        **assemble.package_properties(PKG, buildinfo.build_date(PKG)),
        "contributors": [
            {"givenName": "Ada", "familyName": "Lovelace", "roles": ["creator"]},
            {"title": "Statistics Office", "roles": ["publisher"]},
            {"title": "A helper", "role": "contributor"},
            {"title": "An author", "role": "author"},
        ],
    }
    citation = yaml.safe_load(metadata.citation_cff(core, "2026-11-27"))
    jsonschema.validate(
        _as_json(citation), json.loads((FIXTURES / "cff-1.2.0.schema.json").read_text(encoding="utf-8"))
    )
    assert citation["authors"] == [{"given-names": "Ada", "family-names": "Lovelace"}, {"name": "An author"}]
    described = metadata.jsonld(core, {})
    assert (described["creator"], described["publisher"]) == (
        [{"@type": "Person", "name": "Ada Lovelace"}, {"@type": "Organization", "name": "An author"}],
        [{"@type": "Organization", "name": "Statistics Office"}],
    )
    assert [c["name"] for c in json.loads(metadata.zenodo_json(core, "2026-11-27"))["creators"]] == [
        "Ada Lovelace",
        "An author",
    ]
    assert assemble.citation(core).startswith("Ada Lovelace; An author (")
    unmarked = {**core, "contributors": [{"title": "One"}, {"title": "Two", "role": "contributor"}]}
    assert [c["name"] for c in json.loads(metadata.zenodo_json(unmarked, "2026-11-27"))["creators"]] == ["One", "Two"]
