#!/usr/bin/env python3
"""Re-creates the vendored schemas under deploy/src/test/resources/schemas.

Inputs are local git mirrors of the upstream repositories (see SOURCES.md for the exact
refs). Only the kinds the manifests use are kept, descriptions are dropped to keep the files
small; nothing else is changed (strictness is added by the test at load time, not here).

usage: vendor_schemas.py MIRROR_ROOT OUT_DIR
"""
import json, subprocess, sys, yaml, os

mirror, out = sys.argv[1], sys.argv[2]

def git_show(repo, ref, path):
    return subprocess.check_output(['git', '-C', os.path.join(mirror, repo, 'repo'), 'show', f'{ref}:{path}'])

SCHEMA_KEYS_WITH_SCHEMA_MAPS = ('properties', 'definitions', 'patternProperties')
SCHEMA_KEYS_WITH_SCHEMA = ('items', 'additionalProperties', 'not')
SCHEMA_KEYS_WITH_SCHEMA_LISTS = ('allOf', 'anyOf', 'oneOf')

def strip(node):
    """Drops annotations ('description', examples) from a schema, never property names."""
    if not isinstance(node, dict):
        return node
    res = {}
    for k, v in node.items():
        if k in ('description', 'example', 'examples'):
            continue
        if k in SCHEMA_KEYS_WITH_SCHEMA_MAPS and isinstance(v, dict):
            res[k] = {name: strip(s) for name, s in v.items()}
        elif k in SCHEMA_KEYS_WITH_SCHEMA and isinstance(v, dict):
            res[k] = strip(v)
        elif k in SCHEMA_KEYS_WITH_SCHEMA_LISTS and isinstance(v, list):
            res[k] = [strip(s) for s in v]
        else:
            res[k] = v
    return res

# --- Kubernetes core: strict definitions (additionalProperties: false everywhere) ---------
K8S_KINDS = {
    ('', 'v1', 'Namespace'), ('', 'v1', 'Service'), ('', 'v1', 'ServiceAccount'),
    ('', 'v1', 'ConfigMap'), ('', 'v1', 'Secret'),
    ('apps', 'v1', 'Deployment'), ('apps', 'v1', 'StatefulSet'),
    ('autoscaling', 'v2', 'HorizontalPodAutoscaler'), ('policy', 'v1', 'PodDisruptionBudget'),
    ('networking.k8s.io', 'v1', 'NetworkPolicy'), ('networking.k8s.io', 'v1', 'Ingress'),
}
defs = json.loads(git_show('redacid+k8s-json-scheme', '200801bf30a49e61e08d34dfaab274f4922741af',
                           'v1.32.2-standalone-strict/_definitions.json'))['definitions']
roots = {}
for name, d in defs.items():
    for gvk in d.get('x-kubernetes-group-version-kind', []):
        key = (gvk['group'], gvk['version'], gvk['kind'])
        if key in K8S_KINDS and 'List' not in name:
            roots[key] = name
assert len(roots) == len(K8S_KINDS), set(K8S_KINDS) - set(roots)
keep, todo = set(), list(roots.values())
def refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == '$ref':
                yield v.split('/')[-1]
            else:
                yield from refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from refs(v)
while todo:
    n = todo.pop()
    if n in keep:
        continue
    keep.add(n)
    todo.extend(refs(defs[n]))
kinds = {f"{g + '/' if g else ''}{v}/{k}": '#/definitions/' + n for (g, v, k), n in sorted(roots.items())}
k8s = {'$comment': 'Kubernetes v1.32.2 strict definitions, trimmed to the kinds Aegis uses; see SOURCES.md',
       'kinds': kinds,
       'definitions': {n: strip(defs[n]) for n in sorted(keep)}}
os.makedirs(os.path.join(out, 'crds'), exist_ok=True)
with open(os.path.join(out, 'kubernetes-1.32-strict.json'), 'w') as f:
    json.dump(k8s, f, indent=None, separators=(',', ':'), sort_keys=True)

# --- CRDs: the served version's openAPIV3Schema ---------------------------------------------
CRDS = [
    ('kedacore+keda', 'v2.20.2', 'config/crd/bases/keda.sh_scaledobjects.yaml', 'v1alpha1'),
    ('strimzi+strimzi-kafka-operator', '1.2.0', 'packaging/install/cluster-operator/040-Crd-kafka.yaml', 'v1'),
    ('strimzi+strimzi-kafka-operator', '1.2.0', 'packaging/install/cluster-operator/043-Crd-kafkatopic.yaml', 'v1'),
    ('strimzi+strimzi-kafka-operator', '1.2.0', 'packaging/install/cluster-operator/045-Crd-kafkanodepool.yaml', 'v1'),
    ('keycloak+keycloak-k8s-resources', '26.0.0', 'kubernetes/keycloaks.k8s.keycloak.org-v1.yml', 'v2alpha1'),
    ('keycloak+keycloak-k8s-resources', '26.0.0', 'kubernetes/keycloakrealmimports.k8s.keycloak.org-v1.yml', 'v2alpha1'),
    ('minio+operator', 'v7.1.1', 'resources/base/crds/minio.min.io_tenants.yaml', 'v2'),
    ('mongodb+mongodb-kubernetes-operator', 'v0.13.0', 'config/crd/bases/mongodbcommunity.mongodb.com_mongodbcommunity.yaml', 'v1'),
]
for repo, ref, path, version in CRDS:
    for doc in yaml.safe_load_all(git_show(repo, ref, path)):
        if not doc or doc.get('kind') != 'CustomResourceDefinition':
            continue
        group, kind = doc['spec']['group'], doc['spec']['names']['kind']
        [v] = [v for v in doc['spec']['versions'] if v['name'] == version]
        schema = strip(v['schema']['openAPIV3Schema'])
        schema['$comment'] = f'{group}/{version} {kind} from {repo.replace("+", "/")}@{ref}:{path}'
        with open(os.path.join(out, 'crds', f'{group}_{version}_{kind}.json'), 'w') as f:
            json.dump(schema, f, indent=None, separators=(',', ':'), sort_keys=True)
        print(group, version, kind)
