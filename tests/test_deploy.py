"""deploy/ cannot run here (no Prometheus, Grafana or Kubernetes), so check what can be checked:
every metric the dashboard and the alert rules name is one a worker's /metrics serves (scraped
in-process from the registry the worker builds), with the labels they group by; the dashboard's
structure; and that the Kubernetes example starts a worker with valid settings, a stable worker id
per pod, its state on a volume, and probes on endpoints the worker has."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from streams.api.server import ConsentApi
from streams.cli import main as cli
from streams.kafka.engine import Engine
from streams.settings import Settings
from tests.deploy_checks import (
    PROMETHEUS_SERIES,
    PROMQL_FUNCTIONS,
    ROOT,
    TARGET_LABELS,
    image_env,
    promql_names,
    scraped_metrics,
    worker_settings,
)

DEPLOY = ROOT / "deploy"


def test_promql_names_reads_selectors_clauses_and_functions() -> None:
    metrics, grouping, functions = promql_names(
        'histogram_quantile(0.99, sum by (le, input) (rate(a_bucket{instance=~"$i"}[5m]))) > 5 '
        'and on (instance) up{job="x"} == 1 unless b_total offset 5m'
    )
    assert metrics == {"a_bucket": {"instance"}, "up": {"job"}, "b_total": set()}
    assert grouping == {"le", "input", "instance"}
    assert functions == {"histogram_quantile", "sum", "rate"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, frozenset[str]]]:
    return scraped_metrics(tmp_path_factory.mktemp("metrics"))


def check_expr(expr: str, served: dict[str, tuple[str, frozenset[str]]]) -> set[str]:
    """Every metric ``expr`` names is served (or Prometheus's own), its matchers use labels the
    metric has, its clauses group by labels some named metric has; the metrics named."""
    metrics, grouping, functions = promql_names(expr)
    assert functions <= PROMQL_FUNCTIONS, f"not PromQL functions: {functions - PROMQL_FUNCTIONS}"
    assert metrics, f"no metric in {expr}"
    known: set[str] = set(TARGET_LABELS)
    for name, labels in metrics.items():
        if name in PROMETHEUS_SERIES:
            continue
        assert name in served, f"{name} is not served by a worker's /metrics ({expr})"
        has = served[name][1] | TARGET_LABELS | ({"le"} if name.endswith("_bucket") else set())
        assert labels <= has, f"{name} has no label {labels - has} ({expr})"
        known |= has
    assert grouping <= known, f"grouped by labels no metric has: {grouping - known} ({expr})"
    return set(metrics)


def test_the_worker_serves_what_the_readme_and_deploy_rely_on(
    served: dict[str, tuple[str, frozenset[str]]],
) -> None:
    """The scrape itself: a fed registry serves every family, with its labels."""
    assert served["consent_gate_dead_letters_total"] == ("counter", frozenset({"code"}))
    assert served["consent_gate_consumer_lag"] == ("gauge", frozenset({"topic", "partition"}))
    assert served["consent_gate_decision_latency_seconds_bucket"][1] == {"input"}
    assert served["consent_gate_ready"] == ("gauge", frozenset())
    assert "consent_gate_hold_expired_total" in served


# --- alert rules ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rules() -> list[dict[str, Any]]:
    data = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    return [rule for group in data["groups"] for rule in group["rules"]]


def test_alert_rules_are_well_formed(rules: list[dict[str, Any]]) -> None:
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names)), "an alert name twice"
    for rule in rules:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert rule["labels"]["severity"] in ("warning", "critical"), rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
        if "for" in rule:
            assert re.fullmatch(r"\d+[smh]", rule["for"]), rule["alert"]


def test_alert_expressions_name_served_metrics_and_labels_they_keep(
    rules: list[dict[str, Any]], served: dict[str, tuple[str, frozenset[str]]]
) -> None:
    for rule in rules:
        metrics = check_expr(rule["expr"], served)
        # {{ $labels.x }} in an annotation is a label the alert's series still has
        _, grouping, _ = promql_names(rule["expr"])
        if grouping:
            keeps = grouping - {"le"}
        else:
            keeps = set(TARGET_LABELS)
            for name in metrics - PROMETHEUS_SERIES:
                keeps |= served[name][1]
        for text in rule["annotations"].values():
            used = set(re.findall(r"\$labels\.(\w+)", text))
            assert used <= keeps, f"{rule['alert']} uses $labels.{used - keeps} it does not keep"


def test_alerts_cover_what_operators_watch(rules: list[dict[str, Any]]) -> None:
    named = " ".join(rule["expr"] for rule in rules)
    for metric in (
        "up",
        "consent_gate_ready",
        "consent_gate_consumer_lag",
        "consent_gate_hold_expired_total",
        "consent_gate_dead_letters_total",
        "consent_gate_decision_latency_seconds_bucket",
    ):
        assert re.search(rf"\b{metric}\b", named), f"no alert on {metric}"


def test_the_scrape_config_uses_the_alerts_job_and_the_pods_port() -> None:
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    assert config["rule_files"] == ["alerts.yml"]
    (job,) = config["scrape_configs"]
    alerts = (DEPLOY / "prometheus" / "alerts.yml").read_text()
    assert f'up{{job="{job["job_name"]}"}}' in alerts
    assert job["metrics_path"] == "/metrics"
    keep = {
        tuple(r["source_labels"]): r["regex"]
        for r in job["relabel_configs"]
        if r.get("action") == "keep"
    }
    pod = statefulset(k8s_docs())["spec"]["template"]
    assert (
        keep[("__meta_kubernetes_pod_label_app_kubernetes_io_name",)]
        == (pod["metadata"]["labels"]["app.kubernetes.io/name"])
    )
    assert keep[("__meta_kubernetes_pod_container_port_name",)] == "http"


# --- Grafana dashboard ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DEPLOY / "grafana" / "consent-gate.json").read_text())
    return data


def _panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in dashboard["panels"] if p["type"] != "row"]


def test_dashboard_structure(dashboard: dict[str, Any]) -> None:
    assert dashboard["uid"] and dashboard["title"] and isinstance(dashboard["schemaVersion"], int)
    assert "id" not in dashboard or dashboard["id"] is None  # importable into any Grafana
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids)), "a panel id twice"
    cells: set[tuple[int, int]] = set()
    for panel in dashboard["panels"]:
        pos = panel["gridPos"]
        assert pos["x"] >= 0 and pos["w"] > 0 and pos["x"] + pos["w"] <= 24, panel["title"]
        mine = {
            (x, y)
            for x in range(pos["x"], pos["x"] + pos["w"])
            for y in range(pos["y"], pos["y"] + pos["h"])
        }
        assert not mine & cells, f"{panel['title']} overlaps another panel"
        cells |= mine
    for panel in _panels(dashboard):
        assert panel["type"] in ("stat", "timeseries", "state-timeline", "gauge", "table")
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        assert panel["title"] and panel["targets"], panel["title"]
        refs = [t["refId"] for t in panel["targets"]]
        assert len(refs) == len(set(refs)), panel["title"]
        for target in panel["targets"]:
            for var in re.findall(r"\$(?!__)\{?(\w+)", target["expr"]):
                assert var in variables, f"{panel['title']}: ${var} is no dashboard variable"


def test_dashboard_queries_name_served_metrics(
    dashboard: dict[str, Any], served: dict[str, tuple[str, frozenset[str]]]
) -> None:
    named: set[str] = set()
    for panel in _panels(dashboard):
        for target in panel["targets"]:
            named |= check_expr(target["expr"], served)
    variable = next(v for v in dashboard["templating"]["list"] if v["name"] == "instance")
    metric = re.fullmatch(r"label_values\((\w+), (\w+)\)", variable["definition"])
    assert metric and metric.group(1) in served and metric.group(2) in TARGET_LABELS
    # every family the worker serves has a panel
    families = {re.sub(r"_(total|bucket|sum|count)$", "", name) for name in served}
    shown = {re.sub(r"_(total|bucket|sum|count)$", "", name) for name in named}
    assert families <= shown, f"served but on no panel: {families - shown}"


# --- Kubernetes -------------------------------------------------------------------------------


def k8s_docs() -> list[dict[str, Any]]:
    text = (DEPLOY / "kubernetes" / "consent-gate.yaml").read_text()
    return [doc for doc in yaml.safe_load_all(text) if doc]


def _one(docs: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    (doc,) = [d for d in docs if d["kind"] == kind]
    return doc


def statefulset(docs: list[dict[str, Any]]) -> dict[str, Any]:
    return _one(docs, "StatefulSet")


def pod_env(docs: list[dict[str, Any]], container: dict[str, Any], pod: str) -> dict[str, str]:
    """The container's environment as the kubelet gives it to pod ``pod`` (namespace default, no
    API token secret): its ConfigMaps, then its own entries with $(VAR) expanded."""
    maps = {d["metadata"]["name"]: d["data"] for d in docs if d["kind"] == "ConfigMap"}
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        env.update(maps[source["configMapRef"]["name"]])
    fields = {"metadata.name": pod, "metadata.namespace": "default"}
    for item in container.get("env", []):
        if "value" in item:
            env[item["name"]] = re.sub(r"\$\((\w+)\)", lambda m: env[m.group(1)], item["value"])
        elif "fieldRef" in item["valueFrom"]:
            env[item["name"]] = fields[item["valueFrom"]["fieldRef"]["fieldPath"]]
        else:
            assert item["valueFrom"]["secretKeyRef"]["optional"] is True, item["name"]
    return env


def test_the_statefulset_gives_each_pod_a_stable_worker_id_and_its_state_volume() -> None:
    docs = k8s_docs()
    sts = statefulset(docs)
    pod = sts["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["args"] == ["worker"] and "worker" in cli.commands
    ids = []
    for ordinal in range(sts["spec"]["replicas"]):
        name = f"{sts['metadata']['name']}-{ordinal}"
        settings = worker_settings(pod_env(docs, container, name))
        assert settings.worker_id == name  # from the pod's ordinal: the same after a restart
        ids.append(settings.transactional_id)
        host = f"{name}.{sts['spec']['serviceName']}.default.svc"
        assert settings.advertised_url == f"http://{host}:{settings.http_port}"
    assert len(set(ids)) == len(ids)
    assert sts["spec"]["replicas"] <= settings.partitions  # a worker beyond it owns nothing
    (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == str(settings.data_dir)]
    claims = {c["metadata"]["name"] for c in sts["spec"]["volumeClaimTemplates"]}
    assert mount["name"] in claims
    # the image's user writes the volume
    uid = re.search(r"useradd --system --uid (\d+)", (ROOT / "Dockerfile").read_text())
    assert uid and pod["securityContext"]["runAsUser"] == int(uid.group(1))
    assert pod["securityContext"]["fsGroup"] == int(uid.group(1))


def test_probes_and_ports_are_the_workers(tmp_path: Path) -> None:
    docs = k8s_docs()
    sts = statefulset(docs)
    template = sts["spec"]["template"]
    (container,) = template["spec"]["containers"]
    settings = worker_settings(pod_env(docs, container, "consent-gate-0"))
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": settings.http_port}
    engine = Engine(Settings(_env_file=None, data_dir=tmp_path))  # type: ignore[call-arg]
    routes = {r.resource.canonical for r in ConsentApi(engine.s, engine).app.router.routes()}  # type: ignore[union-attr]
    for probe, path in (
        ("readinessProbe", "/readyz"),
        ("livenessProbe", "/healthz"),
        ("startupProbe", "/healthz"),
    ):
        get = container[probe]["httpGet"]
        assert get["path"] == path and path in routes
        assert ports[get["port"]] == settings.http_port
    annotations = template["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(settings.http_port)
    assert annotations["prometheus.io/path"] == "/metrics" and "/metrics" in routes
    # the headless Service of the StatefulSet, and the API's Service, on the worker's port
    services = {d["metadata"]["name"]: d["spec"] for d in docs if d["kind"] == "Service"}
    headless = services[sts["spec"]["serviceName"]]
    assert headless["clusterIP"] == "None" and headless["publishNotReadyAddresses"] is True
    for spec in services.values():
        assert spec["selector"] == sts["spec"]["selector"]["matchLabels"]
        assert [(p["port"], p["targetPort"]) for p in spec["ports"]] == [
            (settings.http_port, "http")
        ]


def test_the_topics_job_creates_the_workers_topics() -> None:
    docs = k8s_docs()
    job = _one(docs, "Job")["spec"]["template"]["spec"]
    (container,) = job["containers"]
    group, sub = container["args"]
    assert sub in cli.commands[group].commands  # type: ignore[attr-defined]
    (worker,) = statefulset(docs)["spec"]["template"]["spec"]["containers"]
    topics = worker_settings(pod_env(docs, container, "consent-gate-topics-x"))
    workers = worker_settings(pod_env(docs, worker, "consent-gate-0"))
    assert container["image"] == worker["image"]
    assert topics.input_topics == workers.input_topics
    assert topics.output_topics == workers.output_topics
    assert topics.replication_factor == workers.replication_factor


def test_the_image_env_is_settings() -> None:
    assert image_env()["CONSENT_GATE_DATA_DIR"] == "/var/lib/consent-gate"
    assert str(worker_settings({}).data_dir) == image_env()["CONSENT_GATE_DATA_DIR"]
