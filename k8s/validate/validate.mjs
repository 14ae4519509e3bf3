// Validates rendered Kubernetes manifests (multi-document YAML files) against the Kubernetes API schemas of the
// kubernetes-models package, and ServiceMonitors against the Prometheus operator's. Prints one line per object
// ("valid Kind/name", "invalid Kind/name: reason" or "noschema Kind/name") and exits 1 if any object is invalid.
// The schemas check types, required fields and formats; they allow unknown fields, which the Java invariant checks
// (ManifestsTest) cover where it matters.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";

const modules = {
  "v1": "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "policy/v1": "kubernetes-models/policy/v1",
  "autoscaling/v2": "kubernetes-models/autoscaling/v2",
  "networking.k8s.io/v1": "kubernetes-models/networking.k8s.io/v1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};

let invalid = 0;
for (const file of process.argv.slice(2)) {
  for (const object of yaml.loadAll(readFileSync(file, "utf8"))) {
    if (object == null) continue;
    const id = `${object.kind}/${object.metadata?.name}`;
    const module = modules[object.apiVersion];
    if (!module) {
      console.log(`noschema ${object.apiVersion} ${id}`);
      continue;
    }
    if (object.kind === "Secret" && object.data) {
      // kubectl writes long base64 values as block scalars broken into lines; the API server's decoder skips the
      // line breaks, the schema's "byte" format does not.
      for (const key of Object.keys(object.data)) object.data[key] = String(object.data[key]).replace(/\n/g, "");
    }
    let model;
    try {
      model = (await import(`${module}/${object.kind}`))[object.kind];
    } catch (missing) {
      console.log(`invalid ${id}: no kind ${object.kind} in ${object.apiVersion}`);
      invalid++;
      continue;
    }
    try {
      new model(object).validate();
      console.log(`valid ${object.apiVersion} ${id}`);
    } catch (error) {
      console.log(`invalid ${object.apiVersion} ${id}: ${error.message}`);
      invalid++;
    }
  }
}
process.exit(invalid === 0 ? 0 : 1);
