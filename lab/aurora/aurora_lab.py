"""The lab's Aurora: an RDS API whose failover really moves a PostgreSQL writer.

moto's RDS backend keeps the Query API, its XML and SigV4 handling, and every cluster a test
creates; this launcher wraps a few of its methods so that one cluster (default `faultline-aurora`,
tagged faultline:target=true) is the lab's Patroni cluster:

  DescribeDBClusters/Instances  members are the Patroni nodes, IsClusterWriter is Patroni's leader
                                as it is now, Status moves available -> failing-over -> available
  FailoverDBCluster             a Patroni switchover to the target (or the other node); the
                                cluster is available again once the new writer runs and every
                                member has rejoined
  RebootDBInstance              restarts that node's PostgreSQL in place (Patroni /restart), as
                                Aurora PostgreSQL 15 reboots an instance; ForceFailover, which
                                belongs to Multi-AZ DB instances, is refused
  DescribeEvents                Aurora's messages, at the times the cluster logged them (the
                                promotion's time from Patroni's /history), filtered by StartTime

Two endpoints on 127.0.0.1 forward TCP to the nodes' PostgreSQL: the writer endpoint follows a
new writer only `--dns-ttl` seconds after the cluster has one (Aurora's cluster endpoint is a DNS
name with a 5 s TTL: a client that resolved it before reaches the demoted writer), the reader
endpoint a replica, likewise. Each switch is logged to the state file with its time, for the
tests to hold a report to. Run by `faultline up` (src/lab/aurora-lab.ts).
"""

import argparse
import datetime
import json
import logging
import os
import socket
import threading
import time
import urllib.request

import boto3
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.rds import models, responses
from moto.rds.exceptions import (
    InvalidDBClusterStateFault,
    InvalidDBInstanceStateFault,
    InvalidParameterCombination,
    InvalidParameterValue,
)

UTC = datetime.timezone.utc


def now() -> datetime.datetime:
    return datetime.datetime.now(UTC)


def log(message: str, **fields) -> None:
    print(json.dumps({"time": now().isoformat(), "msg": message, **fields}), flush=True)


class Patroni:
    """The nodes' REST APIs (name -> URL); whichever answers is asked."""

    def __init__(self, rest: dict[str, str]):
        self.rest = rest

    def _call(self, url: str, method: str = "GET", body: dict | None = None, timeout: float = 1.0):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode()
            return json.loads(text) if text.startswith(("{", "[")) else text

    def first(self, path: str):
        for url in self.rest.values():
            try:
                return self._call(url + path)
            except Exception:
                continue
        return None

    def members(self) -> list[dict]:
        return (self.first("/cluster") or {}).get("members", [])

    def history(self) -> list:
        return self.first("/history") or []

    def post(self, member: str, path: str, body: dict, timeout: float = 120.0):
        return self._call(self.rest[member] + path, "POST", body, timeout)


class Event:
    """An RDS event as moto's serializer reads it."""

    def __init__(self, source_type: str, source_id: str, arn: str, message: str, date: datetime.datetime):
        self.source_identifier = source_id
        self.source_type = source_type
        self.source_arn = arn
        self.message = message
        self.event_categories = ["failover"] if "failover" in message else ["availability"]
        self.date = date


class Endpoint:
    """A TCP endpoint that forwards each new connection to the node it resolves to now."""

    def __init__(self, name: str, port: int, nodes: dict[str, tuple[str, int]], lab: "AuroraLab"):
        self.name, self.nodes, self.lab = name, nodes, lab
        self.target: str | None = None
        self.server = socket.create_server(("127.0.0.1", port), reuse_port=False)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            client, _ = self.server.accept()
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        target = self.target
        try:
            upstream = socket.create_connection(self.nodes[target], timeout=3) if target else None
        except OSError:
            upstream = None
        if upstream is None:
            client.close()  # nothing to reach: the client sees the connection refused
            return
        upstream.settimeout(None)
        for a, b in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()


class AuroraLab:
    def __init__(self, args):
        self.cluster_id = args.cluster
        self.patroni_scope = args.patroni_scope
        self.ttl = args.dns_ttl
        self.state_file = args.state_file
        self.patroni = Patroni(dict(pair.split("=", 1) for pair in args.rest))
        nodes = {}
        for pair in args.postgres:
            name, address = pair.split("=", 1)
            host, port = address.rsplit(":", 1)
            nodes[name] = (host, int(port))
        self.members = list(nodes)
        self.lock = threading.RLock()
        self.status = "available"
        self.instance_status = {m: "available" for m in self.members}
        self.failover: dict | None = None
        self.leader: str | None = None
        self.events: list[Event] = []
        self.switches: list[dict] = []
        self.pending: dict[str, tuple[float, str]] = {}
        self.writer = Endpoint("writer", args.writer_port, nodes, self)
        self.reader = Endpoint("reader", args.reader_port, nodes, self)
        self.backend = None  # moto's, once the cluster exists
        self.arns: dict[str, str] = {}

    # --- what the cluster is now ---------------------------------------------------------------
    def watch(self) -> None:
        while True:
            try:
                self._tick()
            except Exception as err:  # a node that does not answer: next tick
                log("watch failed", error=str(err))
            time.sleep(0.1)

    def _tick(self) -> None:
        members = self.patroni.members()
        leaders = [m["name"] for m in members if m.get("role") == "leader" and m.get("state") == "running"]
        at = time.time()
        with self.lock:
            if leaders and leaders[0] != self.leader:
                previous, self.leader = self.leader, leaders[0]
                log("writer changed", previous=previous, writer=self.leader)
                delay = 0 if previous is None else self.ttl
                self.pending["writer"] = (at + delay, self.leader)
                replicas = [m for m in self.members if m != self.leader]
                if replicas:
                    self.pending["reader"] = (at + delay, replicas[0])
            for name, (due, target) in list(self.pending.items()):
                if at >= due:
                    self._switch(name, target)
                    del self.pending[name]
            if self.failover and self._settled(members, self.failover["target"]):
                self._complete_failover()

    def _switch(self, name: str, target: str) -> None:
        endpoint = self.writer if name == "writer" else self.reader
        if endpoint.target == target:
            return
        entry = {"at": now().isoformat(), "endpoint": name, "from": endpoint.target, "to": target}
        endpoint.target = target
        self.switches.append(entry)
        log("endpoint switched", **entry)
        self._save()

    def _settled(self, members: list[dict], target: str) -> bool:
        by_name = {m["name"]: m for m in members}
        if by_name.get(target, {}).get("role") != "leader":
            return False
        return all(by_name.get(m, {}).get("state") in ("running", "streaming") for m in self.members)

    def _save(self) -> None:
        state = {"cluster": self.cluster_id, "ttlSeconds": self.ttl, "switches": self.switches}
        tmp = self.state_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump(state, f, indent=2)
        os.replace(tmp, self.state_file)

    def _event(self, source_type: str, source_id: str, message: str, date: datetime.datetime | None = None) -> None:
        arn = self.arns.get(source_id, "")
        self.events.append(Event(source_type, source_id, arn, message, date or now()))

    def _promotion_time(self, target: str) -> datetime.datetime | None:
        """When Patroni logged the promotion of `target` (the newest timeline switch it made)."""
        for entry in reversed(self.patroni.history()):
            if len(entry) >= 5 and entry[4] == target:
                try:
                    return datetime.datetime.fromisoformat(entry[3])
                except ValueError:
                    return None
        return None

    def _complete_failover(self) -> None:
        target = self.failover["target"]
        promoted = self._promotion_time(target)
        self._event("db-cluster", self.cluster_id, f"Completed failover to DB instance: {target}", promoted)
        self.status = "available"
        log("failover completed", target=target, promotedAt=promoted.isoformat() if promoted else None)
        self.failover = None

    # --- the wrapped RDS actions ----------------------------------------------------------------
    def sync(self, backend) -> None:
        cluster = backend.clusters.get(self.cluster_id)
        if cluster is None:
            return
        with self.lock:
            cluster.status = self.status
            for member in cluster.members:
                member.is_cluster_writer = member.db_instance_identifier == self.leader
                member.status = self.instance_status.get(member.db_instance_identifier, "available")

    def failover_cluster(self, backend, target: str | None):
        with self.lock:
            if self.status != "available":
                raise InvalidDBClusterStateFault(
                    f"Database cluster:{self.cluster_id} is {self.status}; a failover needs it available"
                )
            if self.leader is None:
                raise InvalidDBClusterStateFault(
                    f"Database cluster:{self.cluster_id} has no writer (no Patroni node answers as the leader)"
                )
            if target is not None and target not in self.members:
                raise InvalidParameterValue(f"Cannot find target instance: {target}")
            if target == self.leader:
                raise InvalidDBInstanceStateFault(
                    f"Instance {target} is the cluster's writer; the target must be a reader"
                )
            candidate = target or next(m for m in self.members if m != self.leader)
            if self.instance_status.get(candidate) != "available":
                raise InvalidDBInstanceStateFault(f"Instance {candidate} should be in valid state for failover.")
            leader = self.leader
            self.status = "failing-over"
            self.failover = {"target": candidate}
            self._event("db-cluster", self.cluster_id, f"Started cross AZ failover to DB instance: {candidate}")
        log("failover requested", leader=leader, target=candidate)

        def switchover():
            try:
                answer = self.patroni.post(leader, "/switchover", {"leader": leader, "candidate": candidate})
                log("patroni switchover answered", answer=str(answer))
            except Exception as err:
                log("patroni switchover failed", error=str(err))
                with self.lock:
                    self._event("db-cluster", self.cluster_id, f"Failover to DB instance {candidate} failed")
                    self.status, self.failover = "available", None

        threading.Thread(target=switchover, daemon=True).start()
        return backend.clusters[self.cluster_id]

    def reboot_instance(self, backend, instance: str, force_failover: bool):
        if force_failover:
            raise InvalidParameterCombination(
                f"ForceFailover applies to Multi-AZ DB instances; {instance} is an instance of Aurora DB cluster "
                f"{self.cluster_id}: use FailoverDBCluster"
            )
        with self.lock:
            if self.instance_status.get(instance) != "available":
                raise InvalidDBInstanceStateFault(f"Instance {instance} is {self.instance_status.get(instance)}")
            self.instance_status[instance] = "rebooting"
            self._event("db-instance", instance, "DB instance shutdown")

        def restart():
            try:
                answer = self.patroni.post(instance, "/restart", {})
                log("patroni restart answered", instance=instance, answer=str(answer))
            except Exception as err:
                log("patroni restart failed", instance=instance, error=str(err))
            finally:
                with self.lock:
                    self.instance_status[instance] = "available"
                    self._event("db-instance", instance, "DB instance restarted")

        threading.Thread(target=restart, daemon=True).start()
        return backend.databases[instance]


def install(lab: AuroraLab) -> None:
    """Wraps moto's RDS backend: the lab's cluster answers from Patroni, the others as moto does."""
    backend_cls = models.RDSBackend
    describe_clusters, describe_instances = backend_cls.describe_db_clusters, backend_cls.describe_db_instances
    failover, reboot, events = backend_cls.failover_db_cluster, backend_cls.reboot_db_instance, backend_cls.describe_events

    def describe_db_clusters(self, *args, **kwargs):
        lab.sync(self)
        return describe_clusters(self, *args, **kwargs)

    def describe_db_instances(self, *args, **kwargs):
        lab.sync(self)
        return describe_instances(self, *args, **kwargs)

    def failover_db_cluster(self, db_cluster_identifier, target_db_instance_identifier=None, **kwargs):
        if db_cluster_identifier == lab.cluster_id:
            result = lab.failover_cluster(self, target_db_instance_identifier)
            lab.sync(self)
            return result
        return failover(self, db_cluster_identifier, target_db_instance_identifier, **kwargs)

    def reboot_db_instance(self, db_instance_identifier, force_failover=False):
        if db_instance_identifier in lab.members:
            result = lab.reboot_instance(self, db_instance_identifier, force_failover)
            lab.sync(self)
            return result
        return reboot(self, db_instance_identifier)

    def describe_events(self, source_identifier=None, source_type=None, **kwargs):
        found = list(events(self, source_identifier, source_type, **kwargs))
        with lab.lock:
            found += [
                e
                for e in lab.events
                if (source_identifier is None or e.source_identifier == source_identifier)
                and (source_type is None or e.source_type == source_type)
            ]
        start = kwargs.get("start_time")
        if start:
            since = start if isinstance(start, datetime.datetime) else datetime.datetime.fromisoformat(str(start).replace("Z", "+00:00"))
            since = since if since.tzinfo else since.replace(tzinfo=UTC)
            found = [e for e in found if (e.date if e.date.tzinfo else e.date.replace(tzinfo=UTC)) >= since]
        return sorted(found, key=lambda e: e.date if e.date.tzinfo else e.date.replace(tzinfo=UTC))

    def reboot_response(self):
        force = str(self._get_param("ForceFailover", "false")).lower() == "true"
        database = self.backend.reboot_db_instance(self._get_param("DBInstanceIdentifier"), force_failover=force)
        return responses.ActionResult({"DBInstance": database})

    backend_cls.describe_db_clusters = describe_db_clusters
    backend_cls.describe_db_instances = describe_db_instances
    backend_cls.failover_db_cluster = failover_db_cluster
    backend_cls.reboot_db_instance = reboot_db_instance
    backend_cls.describe_events = describe_events
    responses.RDSResponse.reboot_db_instance = reboot_response


def create_cluster(lab: AuroraLab, endpoint: str, region: str) -> None:
    rds = boto3.client(
        "rds", endpoint_url=endpoint, region_name=region, aws_access_key_id="lab", aws_secret_access_key="lab"
    )
    cluster = rds.create_db_cluster(
        DBClusterIdentifier=lab.cluster_id,
        Engine="aurora-postgresql",
        EngineVersion="15.4",
        MasterUsername="faultline",
        MasterUserPassword="not-the-lab-password",
        Tags=[
            {"Key": "faultline:target", "Value": "true"},
            # Its instances are this Patroni cluster's nodes: a fault on it locks that cluster too.
            {"Key": "faultline:patroni-scope", "Value": lab.patroni_scope},
        ],
    )["DBCluster"]
    lab.arns[lab.cluster_id] = cluster["DBClusterArn"]
    for member in lab.members:
        instance = rds.create_db_instance(
            DBInstanceIdentifier=member,
            DBClusterIdentifier=lab.cluster_id,
            Engine="aurora-postgresql",
            DBInstanceClass="db.r6g.large",
        )["DBInstance"]
        lab.arns[member] = instance["DBInstanceArn"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--cluster", default="faultline-aurora")
    parser.add_argument("--patroni-scope", default="faultline-cluster")
    parser.add_argument("--rest", nargs="+", required=True, help="member=http://127.0.0.1:PORT (Patroni REST)")
    parser.add_argument("--postgres", nargs="+", required=True, help="member=127.0.0.1:PORT (its PostgreSQL)")
    parser.add_argument("--writer-port", type=int, required=True)
    parser.add_argument("--reader-port", type=int, required=True)
    parser.add_argument("--dns-ttl", type=float, default=5.0, help="seconds the writer endpoint lags a new writer")
    parser.add_argument("--state-file", required=True)
    args = parser.parse_args()

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # a line per request otherwise
    lab = AuroraLab(args)
    install(lab)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    create_cluster(lab, f"http://127.0.0.1:{args.port}", args.region)
    lab._save()
    threading.Thread(target=lab.watch, daemon=True).start()
    log("aurora lab ready", port=args.port, cluster=lab.cluster_id, members=lab.members, ttl=lab.ttl)
    threading.Event().wait()


if __name__ == "__main__":
    main()
