// Turns rendered Kubernetes manifests into Pods that `podman kube play` runs on one host, for k8s/smoke.sh.
//   node to-podman.mjs OUT_DIR SUBNET PUBLISHED_PORTS RENDERED.yaml... > pods.yaml
//   e.g. node to-podman.mjs /tmp/out 10.89.42 8080,9090 dev.yaml > pods.yaml
//        podman kube play --network NET $(sed -n 's/^# ip: //p' pods.yaml | sed 's/^/--ip /') pods.yaml
// Podman has no Services, Secrets store, field references or controllers, so this does what Kubernetes would:
//  - each Deployment, StatefulSet and DaemonSet becomes one Pod named after it, with its pod template unchanged
//    (images, commands, security contexts, resources, probes);
//  - every pod gets its own address, SUBNET.10, .11, ... in the order of the output (the "# ip:" lines), and each
//    Service's DNS names (name, name.ns.svc, name.ns.svc.cluster.local) point at the address of the pod it
//    selects through hostAliases (headless or not); container ports in PUBLISHED_PORTS are published on the host;
//  - env values from ConfigMaps, Secrets and field references are resolved (status.podIP is the pod's address,
//    spec.nodeName the host's name), then $(VAR) references expanded, as the kubelet does;
//  - secret volumes, emptyDirs and volume claim templates become host directories under OUT_DIR, owned by the
//    pod's fsGroup (secret files with the volume's defaultMode), as the kubelet would lay them out.
// Objects that only a cluster acts on (NetworkPolicy, PodDisruptionBudget, HorizontalPodAutoscaler,
// ServiceAccount, Namespace) are dropped: the smoke test proves the workloads, ManifestsTest checks the rest.
// A Service that selects several workloads' pods would need a DNS server; runcmd's select one each.
import { readFileSync, mkdirSync, writeFileSync, chownSync, chmodSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import yaml from "js-yaml";

const [outDir, subnet, published, ...files] = process.argv.slice(2);
const publishedPorts = new Set(published.split(",").filter(Boolean).map(Number));
const objects = files.flatMap((file) => yaml.loadAll(readFileSync(file, "utf8")).filter(Boolean));
const byKind = (kind) => objects.filter((o) => o.kind === kind);
const find = (kind, name, namespace) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name && (o.metadata.namespace ?? "") === (namespace ?? ""));

const workloads = objects.filter((o) => ["Deployment", "StatefulSet", "DaemonSet"].includes(o.kind));
const addressOf = new Map(workloads.map((workload, index) => [workload, `${subnet}.${10 + index}`]));
const selects = (selector, labels) =>
  Object.entries(selector ?? {}).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
const hostAliases = [];
for (const service of byKind("Service")) {
  const ns = service.metadata.namespace;
  const target = workloads.find((w) => w.metadata.namespace === ns
    && selects(service.spec.selector, w.spec.template.metadata?.labels));
  if (!target) continue;
  const names = [service.metadata.name, `${service.metadata.name}.${ns}`, `${service.metadata.name}.${ns}.svc`,
    `${service.metadata.name}.${ns}.svc.cluster.local`];
  const alias = hostAliases.find((a) => a.ip === addressOf.get(target));
  if (alias) alias.hostnames.push(...names);
  else hostAliases.push({ ip: addressOf.get(target), hostnames: names });
}

function decoded(secret, key) {
  if (secret.stringData?.[key] !== undefined) return secret.stringData[key];
  const data = secret.data?.[key];
  return data === undefined ? undefined : Buffer.from(String(data).replace(/\s/g, ""), "base64").toString("utf8");
}

function resolveEnv(container, pod, namespace, ip) {
  const values = new Map();
  const env = [];
  for (const variable of container.env ?? []) {
    let value = variable.value;
    const from = variable.valueFrom;
    if (from?.configMapKeyRef) {
      value = find("ConfigMap", from.configMapKeyRef.name, namespace)?.data?.[from.configMapKeyRef.key];
      if (value === undefined && !from.configMapKeyRef.optional) throw new Error(`${variable.name}: no ConfigMap key`);
    } else if (from?.secretKeyRef) {
      const secret = find("Secret", from.secretKeyRef.name, namespace);
      value = secret && decoded(secret, from.secretKeyRef.key);
      if (value === undefined && !from.secretKeyRef.optional) throw new Error(`${variable.name}: no Secret key`);
    } else if (from?.fieldRef) {
      value = { "metadata.name": pod, "metadata.namespace": namespace, "status.podIP": ip,
        "spec.nodeName": hostname() }[from.fieldRef.fieldPath];
      if (value === undefined) throw new Error(`${variable.name}: field ${from.fieldRef.fieldPath}`);
    }
    if (value === undefined) continue;
    value = String(value ?? "").replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
      (whole, name) => (values.has(name) ? values.get(name) : whole));
    values.set(variable.name, value);
    env.push({ name: variable.name, value });
  }
  return env;
}

function hostDirectory(path, uid, gid, mode) {
  mkdirSync(path, { recursive: true });
  chownSync(path, uid, gid);
  chmodSync(path, mode);
  return path;
}

// TO_PODMAN_ONLY=name,name: write only these pods (the others are still given their addresses).
const only = process.env.TO_PODMAN_ONLY ? new Set(process.env.TO_PODMAN_ONLY.split(",")) : null;
const pods = [];
for (const workload of workloads) {
  if (only && !only.has(workload.metadata.name)) continue;
  const name = workload.metadata.name;
  const namespace = workload.metadata.namespace;
  const template = structuredClone(workload.spec.template);
  const spec = template.spec;
  const fsGroup = spec.securityContext?.fsGroup ?? 0;
  const runAsUser = spec.securityContext?.runAsUser ?? 0;
  const volumes = [];
  for (const volume of spec.volumes ?? []) {
    const dir = join(outDir, name, volume.name);
    if (volume.secret) {
      hostDirectory(dir, 0, fsGroup, 0o750);
      const secret = find("Secret", volume.secret.secretName, namespace);
      for (const key of Object.keys({ ...secret.data, ...secret.stringData })) {
        const file = join(dir, key);
        writeFileSync(file, decoded(secret, key));
        chownSync(file, 0, fsGroup);
        chmodSync(file, volume.secret.defaultMode ?? 0o644);
      }
      volumes.push({ name: volume.name, hostPath: { path: dir, type: "Directory" } });
    } else if (volume.emptyDir) {
      volumes.push({ name: volume.name, hostPath: { path: hostDirectory(dir, runAsUser, fsGroup, 0o770),
        type: "Directory" } });
    } else {
      volumes.push(volume);
    }
  }
  for (const claim of workload.spec.volumeClaimTemplates ?? []) {
    const dir = join(outDir, name, claim.metadata.name);
    volumes.push({ name: claim.metadata.name, hostPath: { path: hostDirectory(dir, runAsUser, fsGroup, 0o770),
      type: "Directory" } });
  }
  for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
    container.env = resolveEnv(container, name, namespace, addressOf.get(workload));
    delete container.envFrom;
    for (const port of container.ports ?? []) {
      if (publishedPorts.has(port.containerPort)) port.hostPort = port.containerPort;
    }
  }
  delete spec.serviceAccountName;
  delete spec.automountServiceAccountToken;
  delete spec.topologySpreadConstraints;
  delete spec.priorityClassName;
  delete spec.tolerations;
  pods.push(`# ip: ${addressOf.get(workload)}\n` + yaml.dump({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels: template.metadata?.labels },
    spec: { ...spec, volumes, restartPolicy: "Always", hostAliases },
  }, { lineWidth: -1 }));
}
process.stdout.write(pods.join("---\n"));
