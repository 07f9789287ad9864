use super::*;

fn manifests(text: &str) -> Manifests {
    let parsed = parse_manifests(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    parsed.tree
}

fn slice(text: &str, span: Span) -> &str {
    span.text(text)
}

const APP: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
  labels: {app: api, tier: web}
spec:
  replicas: 3
  selector:
    matchLabels: {app: api}
    matchExpressions:
    - {key: tier, operator: In, values: [web, edge]}
  template:
    metadata:
      labels: {app: api, tier: web}
    spec:
      terminationGracePeriodSeconds: 45
      securityContext: {runAsNonRoot: yes, runAsUser: 1000}
      initContainers:
      - name: migrate
        image: api:1.2
        command: ["alembic", "upgrade", "head"]
      - name: proxy
        image: proxy:2
        restartPolicy: Always
      containers:
      - name: web
        image: registry.example/api:1.2
        command: [gunicorn]
        args: ["-w", "4", "--bind", "0.0.0.0:8000", "app:app"]
        ports:
        - {name: http, containerPort: 8000}
        - {name: metrics, containerPort: 9100}
        env:
        - name: DATABASE_URL
          valueFrom:
            secretKeyRef: {name: db, key: url}
        - name: MODE
          valueFrom:
            configMapKeyRef: {name: settings, key: mode, optional: true}
        - name: POD_IP
          valueFrom:
            fieldRef: {fieldPath: status.podIP}
        - name: WORKERS
          value: "4"
        envFrom:
        - secretRef: {name: api-secrets}
        - configMapRef: {name: api-config}
          prefix: APP_
        resources:
          limits: {memory: 512Mi, cpu: 500m}
          requests: {memory: 0.5Gi, cpu: "0.25"}
        livenessProbe:
          httpGet: {path: /livez, port: http}
          periodSeconds: 10
        readinessProbe:
          httpGet: {path: /readyz, port: 8000}
        startupProbe:
          tcpSocket: {port: metrics}
          failureThreshold: 30
        lifecycle:
          preStop:
            sleep: {seconds: 5}
          postStart:
            exec: {command: [sh, -c, "echo hi"]}
        securityContext:
          runAsNonRoot: true
          allowPrivilegeEscalation: off
      volumes:
      - name: certs
        secret:
          secretName: tls
          items: [{key: tls.crt, path: tls.crt}]
      - name: cache
        emptyDir: {}
"#;

#[test]
fn deployment_identity_and_workload_fields() {
    let m = manifests(APP);
    assert_eq!(m.objects.len(), 1);
    let object = &m.objects[0];
    assert_eq!(object.api_version.value, "apps/v1");
    assert_eq!(object.kind.value, "Deployment");
    assert_eq!(slice(APP, object.kind.span), "Deployment");
    assert_eq!(object.name.as_ref().unwrap().value, "api");
    assert_eq!(object.namespace.as_ref().unwrap().value, "prod");
    assert_eq!(object.labels.get("tier").unwrap().value, "web");
    assert_eq!(object.display_name(), "Deployment/api");
    let workload = object.workload().unwrap();
    assert_eq!(workload.kind, WorkloadKind::Deployment);
    assert_eq!(workload.effective_replicas(), Some(3));
    assert_eq!(slice(APP, workload.replicas.as_ref().unwrap().span), "3");
    let template = workload.template.as_ref().unwrap();
    assert!(
        workload
            .selector
            .as_ref()
            .unwrap()
            .matches(&template.labels)
    );
    let pod = workload.pod_spec().unwrap();
    assert_eq!(pod.effective_termination_grace_period_seconds(), 45);
    let pod_security = pod.security_context.as_ref().unwrap();
    assert!(pod_security.run_as_non_root.as_ref().unwrap().value);
    assert_eq!(pod_security.run_as_user.as_ref().unwrap().value, 1000);
}

#[test]
fn init_containers_and_native_sidecars() {
    let m = manifests(APP);
    let pod = m.objects[0].workload().unwrap().pod_spec().unwrap();
    let roles: Vec<_> = pod.init_containers.iter().map(|c| c.role).collect();
    assert_eq!(roles, [ContainerRole::Init, ContainerRole::Sidecar]);
    let migrate = &pod.init_containers[0];
    let command: Vec<_> = migrate
        .command
        .as_ref()
        .unwrap()
        .iter()
        .map(|c| c.as_str())
        .collect();
    assert_eq!(command, ["alembic", "upgrade", "head"]);
    assert_eq!(
        slice(APP, migrate.command.as_ref().unwrap()[1].span),
        "\"upgrade\""
    );
    assert_eq!(pod.sidecars().count(), 1);
    assert_eq!(pod.all_containers().count(), 3);
}

#[test]
fn container_command_env_and_resources() {
    let m = manifests(APP);
    let pod = m.objects[0].workload().unwrap().pod_spec().unwrap();
    let web = &pod.containers[0];
    assert_eq!(web.role, ContainerRole::Main);
    assert_eq!(
        web.image.as_ref().unwrap().value,
        "registry.example/api:1.2"
    );
    let args: Vec<_> = web
        .args
        .as_ref()
        .unwrap()
        .iter()
        .map(|a| a.as_str())
        .collect();
    assert_eq!(args, ["-w", "4", "--bind", "0.0.0.0:8000", "app:app"]);
    assert_eq!(web.ports.len(), 2);
    assert_eq!(web.port_by_name("metrics"), Some(9100));

    let env = &web.env;
    assert_eq!(env.len(), 4);
    match &env[0].value_from {
        Some(EnvValueSource::SecretKey(r)) => {
            assert_eq!(r.name.as_ref().unwrap().value, "db");
            assert_eq!(r.key.as_ref().unwrap().value, "url");
            assert!(!r.optional);
        }
        other => panic!("{other:?}"),
    }
    match &env[1].value_from {
        Some(EnvValueSource::ConfigMapKey(r)) => assert!(r.optional),
        other => panic!("{other:?}"),
    }
    match &env[2].value_from {
        Some(EnvValueSource::Field(Some(path))) => assert_eq!(path.value, "status.podIP"),
        other => panic!("{other:?}"),
    }
    assert_eq!(env[3].value.as_ref().unwrap().value, "4");
    assert_eq!(slice(APP, env[3].value.as_ref().unwrap().span), "\"4\"");

    assert_eq!(web.env_from.len(), 2);
    assert_eq!(web.env_from[0].kind, RefKind::Secret);
    assert_eq!(web.env_from[0].name.as_ref().unwrap().value, "api-secrets");
    assert_eq!(web.env_from[1].kind, RefKind::ConfigMap);
    assert_eq!(web.env_from[1].prefix.as_ref().unwrap().value, "APP_");

    let limits = &web.resources.limits;
    assert_eq!(
        limits.memory.as_ref().unwrap().bytes(),
        Some(512 * 1024 * 1024)
    );
    assert_eq!(limits.cpu.as_ref().unwrap().millicores(), Some(500));
    let requests = &web.resources.requests;
    assert_eq!(
        requests.memory.as_ref().unwrap().bytes(),
        Some(512 * 1024 * 1024)
    );
    assert_eq!(requests.cpu.as_ref().unwrap().millicores(), Some(250));
    assert_eq!(
        slice(APP, limits.memory.as_ref().unwrap().raw.span),
        "512Mi"
    );
}

#[test]
fn probes_resolve_named_ports() {
    let m = manifests(APP);
    let web = &m.objects[0]
        .workload()
        .unwrap()
        .pod_spec()
        .unwrap()
        .containers[0];
    let liveness = web.liveness_probe.as_ref().unwrap();
    assert_eq!(slice(APP, liveness.key_span), "livenessProbe");
    let http = liveness.handler.http_get().unwrap();
    assert_eq!(http.path.as_ref().unwrap().value, "/livez");
    assert_eq!(
        http.port.port.as_ref().unwrap().value,
        PortRef::Name("http".into())
    );
    assert_eq!(http.port.resolved, Some(8000));
    assert_eq!(liveness.period_seconds.as_ref().unwrap().value, 10);
    let readiness = web.readiness_probe.as_ref().unwrap();
    assert_eq!(readiness.handler.port().unwrap().resolved, Some(8000));
    let startup = web.startup_probe.as_ref().unwrap();
    assert!(matches!(startup.handler, Handler::TcpSocket(_)));
    assert_eq!(startup.handler.port().unwrap().resolved, Some(9100));
    assert_eq!(startup.failure_threshold.as_ref().unwrap().value, 30);
    let kinds: Vec<_> = web.probes().map(|(kind, _)| kind).collect();
    assert_eq!(
        kinds,
        [
            ProbeKind::Liveness,
            ProbeKind::Readiness,
            ProbeKind::Startup
        ]
    );
}

#[test]
fn unknown_named_port_stays_unresolved() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    livenessProbe:\n      httpGet: {port: web}\n";
    let m = manifests(text);
    let container = &m.objects[0]
        .workload()
        .unwrap()
        .pod_spec()
        .unwrap()
        .containers[0];
    let target = container
        .liveness_probe
        .as_ref()
        .unwrap()
        .handler
        .port()
        .unwrap();
    assert_eq!(
        target.port.as_ref().unwrap().value,
        PortRef::Name("web".into())
    );
    assert_eq!(target.resolved, None);
}

#[test]
fn lifecycle_hooks_and_security_context() {
    let m = manifests(APP);
    let web = &m.objects[0]
        .workload()
        .unwrap()
        .pod_spec()
        .unwrap()
        .containers[0];
    match web.pre_stop.as_ref().unwrap() {
        Handler::Sleep(Some(seconds)) => assert_eq!(seconds.value, 5),
        other => panic!("{other:?}"),
    }
    match web.post_start.as_ref().unwrap() {
        Handler::Exec(command) => assert_eq!(command[2].value, "echo hi"),
        other => panic!("{other:?}"),
    }
    let security = web.security_context.as_ref().unwrap();
    assert!(security.run_as_non_root.as_ref().unwrap().value);
    assert!(!security.allow_privilege_escalation.as_ref().unwrap().value);
}

#[test]
fn volumes_reference_secrets() {
    let m = manifests(APP);
    let volumes = &m.objects[0].workload().unwrap().pod_spec().unwrap().volumes;
    match &volumes[0].source {
        VolumeSource::Objects(refs) => {
            assert_eq!(refs[0].kind, RefKind::Secret);
            assert_eq!(refs[0].name.as_ref().unwrap().value, "tls");
            assert_eq!(refs[0].keys[0].value, "tls.crt");
        }
        other => panic!("{other:?}"),
    }
    match &volumes[1].source {
        VolumeSource::Other(Some(kind)) => assert_eq!(kind.value, "emptyDir"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn workload_kinds_find_their_pod_template_and_replicas() {
    let text = r#"apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: job, image: job:1}]
---
apiVersion: v1
kind: Pod
metadata: {name: solo, labels: {app: solo}}
spec:
  containers: [{name: c, image: c:1}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: a, image: a:1}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: pg, image: postgres:16}]
---
apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec:
  replicas: 2
  selector: {app: rc}
  template:
    metadata: {labels: {app: rc}}
    spec:
      containers: [{name: r, image: r:1}]
"#;
    let m = manifests(text);
    let workloads: Vec<_> = m.objects.iter().map(|o| o.workload().unwrap()).collect();
    assert_eq!(workloads[0].kind, WorkloadKind::CronJob);
    assert_eq!(
        workloads[0].pod_spec().unwrap().containers[0]
            .name
            .as_ref()
            .unwrap()
            .value,
        "job"
    );
    assert_eq!(workloads[0].effective_replicas(), Some(1));
    assert_eq!(workloads[1].kind, WorkloadKind::Pod);
    assert_eq!(
        workloads[1]
            .template
            .as_ref()
            .unwrap()
            .labels
            .get("app")
            .unwrap()
            .value,
        "solo"
    );
    assert_eq!(workloads[1].pod_spec().unwrap().containers.len(), 1);
    assert_eq!(workloads[2].effective_replicas(), None);
    assert_eq!(workloads[3].effective_replicas(), Some(1));
    assert_eq!(
        workloads[3].pod_spec().unwrap().containers[0]
            .image
            .as_ref()
            .unwrap()
            .value,
        "postgres:16"
    );
    let rc = workloads[4];
    assert_eq!(rc.effective_replicas(), Some(2));
    assert!(
        rc.selector
            .as_ref()
            .unwrap()
            .matches(&rc.template.as_ref().unwrap().labels)
    );
    assert_eq!(
        m.objects.iter().map(|o| o.document).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4]
    );
}

#[test]
fn service_hpa_pdb() {
    let text = r#"apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports:
  - {name: http, port: 80, targetPort: http}
  - {port: 9100}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 10
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api}
spec:
  minAvailable: 50%
  selector:
    matchLabels: {app: api}
"#;
    let m = manifests(text);
    let ObjectBody::Service(service) = &m.objects[0].body else {
        panic!()
    };
    assert_eq!(
        service.selector.as_ref().unwrap().get("app").unwrap().value,
        "api"
    );
    assert_eq!(service.ports[0].port.as_ref().unwrap().value, 80);
    assert_eq!(
        service.ports[0].effective_target_port(),
        Some(PortRef::Name("http".into()))
    );
    assert_eq!(
        service.ports[1].effective_target_port(),
        Some(PortRef::Number(9100))
    );
    let ObjectBody::HorizontalPodAutoscaler(hpa) = &m.objects[1].body else {
        panic!()
    };
    assert_eq!(hpa.target_kind.as_ref().unwrap().value, "Deployment");
    assert_eq!(hpa.target_name.as_ref().unwrap().value, "api");
    assert_eq!(hpa.min_replicas.as_ref().unwrap().value, 2);
    assert_eq!(hpa.max_replicas.as_ref().unwrap().value, 10);
    let ObjectBody::PodDisruptionBudget(pdb) = &m.objects[2].body else {
        panic!()
    };
    assert_eq!(pdb.min_available.as_ref().unwrap().value, "50%");
    let app = manifests(APP);
    let template = &app.objects[0]
        .workload()
        .unwrap()
        .template
        .as_ref()
        .unwrap()
        .labels;
    assert!(pdb.selector.as_ref().unwrap().matches(template));
    assert!(service.selector.as_ref().unwrap().selects(template));
}

#[test]
fn selector_operators() {
    let text = r#"apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: x}
spec:
  selector:
    matchExpressions:
    - {key: app, operator: In, values: [a, b]}
    - {key: env, operator: NotIn, values: [dev]}
    - {key: team, operator: Exists}
    - {key: legacy, operator: DoesNotExist}
"#;
    let m = manifests(text);
    let ObjectBody::PodDisruptionBudget(pdb) = &m.objects[0].body else {
        panic!()
    };
    let selector = pdb.selector.as_ref().unwrap();
    let labels = |pairs: &[(&str, &str)]| Labels {
        entries: pairs
            .iter()
            .map(|(k, v)| Label {
                key: Spanned::new(k.to_string(), Span::default()),
                value: Spanned::new(v.to_string(), Span::default()),
            })
            .collect(),
        span: None,
    };
    assert!(selector.matches(&labels(&[("app", "a"), ("team", "x")])));
    assert!(selector.matches(&labels(&[("app", "b"), ("team", "x"), ("env", "prod")])));
    assert!(!selector.matches(&labels(&[("app", "c"), ("team", "x")])));
    assert!(!selector.matches(&labels(&[("app", "a"), ("team", "x"), ("env", "dev")])));
    assert!(!selector.matches(&labels(&[("app", "a")])));
    assert!(!selector.matches(&labels(&[("app", "a"), ("team", "x"), ("legacy", "1")])));
    assert!(LabelSelector::default().matches(&labels(&[("any", "thing")])));
    assert!(!labels(&[]).selects(&labels(&[("app", "a")])));
}

#[test]
fn secrets_and_providers_and_configmaps() {
    let text = r#"apiVersion: v1
kind: Secret
metadata: {name: db}
type: Opaque
data: {url: cG9zdGdyZXM=}
stringData: {password: hunter2}
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: api-es}
spec:
  target: {name: api-secrets}
  data:
  - secretKey: TOKEN
    remoteRef: {key: prod/api, property: token}
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: bulk}
spec:
  dataFrom:
  - extract: {key: prod/bulk}
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: sealed}
spec:
  encryptedData: {API_KEY: AgBy}
  template:
    metadata: {name: sealed-target}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data:
  mode: production
  workers: "4"
binaryData:
  blob: AAEC
"#;
    let m = manifests(text);
    let secrets: Vec<&SecretDefinition> = m
        .objects
        .iter()
        .filter_map(|o| match &o.body {
            ObjectBody::Secret(s) => Some(s),
            _ => None,
        })
        .collect();
    assert_eq!(secrets.len(), 4);
    let keys = |s: &SecretDefinition| s.keys.iter().map(|k| k.value.clone()).collect::<Vec<_>>();
    assert_eq!(secrets[0].provider, SecretProvider::Secret);
    assert_eq!(secrets[0].name.as_ref().unwrap().value, "db");
    assert_eq!(keys(secrets[0]), ["url", "password"]);
    assert_eq!(secrets[0].secret_type.as_ref().unwrap().value, "Opaque");
    assert_eq!(secrets[1].provider, SecretProvider::ExternalSecret);
    assert_eq!(secrets[1].name.as_ref().unwrap().value, "api-secrets");
    assert_eq!(keys(secrets[1]), ["TOKEN"]);
    assert!(secrets[1].keys_complete);
    assert_eq!(secrets[2].name.as_ref().unwrap().value, "bulk");
    assert!(!secrets[2].keys_complete);
    assert_eq!(secrets[3].provider, SecretProvider::SealedSecret);
    assert_eq!(secrets[3].name.as_ref().unwrap().value, "sealed-target");
    assert_eq!(keys(secrets[3]), ["API_KEY"]);
    let ObjectBody::ConfigMap(config) = &m.objects[4].body else {
        panic!()
    };
    assert_eq!(config.get("mode").unwrap().value, "production");
    assert_eq!(config.get("workers").unwrap().value, "4");
    assert_eq!(config.entries.len(), 3);
    assert_eq!(config.entries[2].key.value, "blob");
    assert_eq!(config.entries[2].value, None);
}

#[test]
fn list_items_are_expanded() {
    let text = r#"apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: one}
- apiVersion: v1
  kind: Service
  metadata: {name: two}
- not-an-object
"#;
    let m = manifests(text);
    let names: Vec<_> = m.objects.iter().map(|o| o.display_name()).collect();
    assert_eq!(names, ["ConfigMap/one", "Service/two"]);
    assert_eq!(m.objects[1].list_item, Some(1));
    assert_eq!(m.objects[1].document, 0);
    assert_eq!(slice(text, m.objects[1].kind.span), "Service");
}

#[test]
fn documents_without_identity_or_after_errors_yield_no_objects() {
    let text = "# comment only\n---\nfoo: bar\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: Secret\ndata: {a: [}\n";
    let parsed = parse_manifests(text);
    assert_eq!(parsed.errors.len(), 1);
    let names: Vec<_> = parsed
        .tree
        .objects
        .iter()
        .map(|o| o.display_name())
        .collect();
    assert_eq!(names, ["ConfigMap/ok"]);
    // A comment before the first `---` is not a document of its own.
    assert_eq!(parsed.tree.objects[0].document, 1);
}

#[test]
fn anchors_and_merge_keys_feed_the_views() {
    let text = r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
      - &base
        name: web
        image: api:1
        env: &env
        - {name: A, value: "1"}
      - <<: *base
        name: worker
"#;
    let m = manifests(text);
    let pod = m.objects[0].workload().unwrap().pod_spec().unwrap();
    let worker = &pod.containers[1];
    assert_eq!(worker.name.as_ref().unwrap().value, "worker");
    assert_eq!(worker.image.as_ref().unwrap().value, "api:1");
    assert_eq!(worker.env[0].name.value, "A");
    // Spans of merged values point at where they are written (inside the anchor).
    assert_eq!(slice(text, worker.image.as_ref().unwrap().span), "api:1");
}
