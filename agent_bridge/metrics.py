"""Prometheus metrics for `hypercode-swarm serve`: task latency histograms (submitted → done or
dead, by kind) fed by following the event log, so tasks finished by agents in other processes
count too; queue depths, dead letters and agents read from the engine at each scrape."""

from __future__ import annotations

import threading

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)


class _SwarmCollector:
    def __init__(self, swarm):
        self.swarm = swarm

    def collect(self):
        counts = self.swarm.engine.counts()
        depth = GaugeMetricFamily("hypercode_queue_depth", "Tasks waiting, by priority", labels=["priority"])
        for priority, n in counts["queued"].items():
            depth.add_metric([str(priority)], n)
        yield depth
        yield GaugeMetricFamily("hypercode_tasks_delayed", "Tasks waiting for a retry", value=counts["delayed"])
        yield GaugeMetricFamily("hypercode_tasks_leased", "Tasks being worked on", value=counts["leased"])
        yield GaugeMetricFamily("hypercode_dead_letters", "Tasks in the dead-letter queue", value=counts["dead"])
        agents = GaugeMetricFamily("hypercode_agents", "Registered agents", labels=["role", "online"])
        tally: dict[tuple, int] = {}
        for agent in self.swarm.registry.agents():
            key = (agent["role"], str(bool(agent.get("online", True))).lower())
            tally[key] = tally.get(key, 0) + 1
        for key, n in sorted(tally.items()):
            agents.add_metric(list(key), n)
        yield agents


class SwarmMetrics:
    def __init__(self, swarm):
        self.swarm = swarm
        self.registry = CollectorRegistry()
        self.latency = Histogram("hypercode_task_latency_seconds", "Submitted to finished", ["kind", "state"],
                                 buckets=BUCKETS, registry=self.registry)
        self.finished = Counter("hypercode_tasks_finished", "Finished tasks", ["kind", "state"],
                                registry=self.registry)
        self.requests = Counter("hypercode_api_requests", "API requests", ["status"], registry=self.registry)
        self.registry.register(_SwarmCollector(swarm))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def observe(self, event: dict) -> None:
        if event.get("type") in ("done", "dead", "cancelled"):
            payload = event.get("payload") or {}
            kind = payload.get("kind") or "unknown"
            self.finished.labels(kind, event["type"]).inc()
            if payload.get("latency") is not None:
                self.latency.labels(kind, event["type"]).observe(payload["latency"])

    def follow(self) -> "SwarmMetrics":
        def run():
            cursor = self.swarm.engine.event_cursor()
            while not self._stop.is_set():
                try:
                    events, cursor = self.swarm.engine.events_after(cursor, 1.0)
                except Exception:
                    self._stop.wait(1.0)
                    continue
                for event in events:
                    self.observe(event)
        self._thread = threading.Thread(target=run, name="metrics-follower", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def render(self) -> bytes:
        return generate_latest(self.registry)
