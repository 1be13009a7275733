{{/* Names, labels and shared pieces of the Tessera chart. */}}

{{- define "tessera.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's base name; component objects append -gateway, -identity or -data (so it stays under 54 chars). */}}
{{- define "tessera.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 54 | trimSuffix "-" }}
{{- else if contains (include "tessera.name" .) .Release.Name }}
{{- .Release.Name | trunc 54 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "tessera.name" .) | trunc 54 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "tessera.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tessera.labels" -}}
helm.sh/chart: {{ include "tessera.chart" . }}
app.kubernetes.io/name: {{ include "tessera.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tessera
{{- end }}

{{/* Selector labels of one component: (dict "root" $ "component" "data"). */}}
{{- define "tessera.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tessera.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "tessera.componentLabels" -}}
{{ include "tessera.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "tessera.secretName" -}}
{{- default (include "tessera.fullname" .) .Values.postgres.existingSecret }}
{{- end }}

{{- define "tessera.dataServiceAccountName" -}}
{{- if .Values.data.serviceAccount.create }}
{{- default (printf "%s-data" (include "tessera.fullname" .)) .Values.data.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.data.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The image of a component: (dict "root" $ "image" .Values.image.server). */}}
{{- define "tessera.image" -}}
{{- $registry := .root.Values.image.registry -}}
{{- $tag := default .root.Chart.AppVersion .image.tag -}}
{{- if $registry }}{{ printf "%s/%s:%s" $registry .image.repository $tag }}{{ else }}{{ printf "%s:%s" .image.repository $tag }}{{ end }}
{{- end }}

{{/* The in-cluster base address of a component's HTTP service. */}}
{{- define "tessera.serviceUrl" -}}
{{- printf "http://%s-%s:%d/" (include "tessera.fullname" .root) .component (int .root.Values.service.internalPort) }}
{{- end }}

{{/*
The data pods' headless Service (clusterIP None): its name resolves to the address of every ready data pod.
Note: the base name is cut to 49 characters so that "-data-headless" still fits a Service name's 63.
*/}}
{{- define "tessera.dataHeadlessName" -}}
{{- printf "%s-data-headless" (include "tessera.fullname" . | trunc 49 | trimSuffix "-") }}
{{- end }}

{{/* Environment every Tessera process gets. */}}
{{- define "tessera.commonEnv" -}}
- name: OTEL_SERVICE_NAME
  value: {{ printf "tessera-%s" .component | quote }}
{{- with .root.Values.otel.endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
- name: DOTNET_SHUTDOWNTIMEOUTSECONDS
  {{- /* Note: leave Kubernetes a few seconds between the host's own shutdown deadline and SIGKILL. */}}
  value: {{ max 5 (sub (int .values.terminationGracePeriodSeconds) (add 5 (int .values.preStopSleepSeconds))) | quote }}
{{- end }}

{{/* Environment of the Tessera.Server processes (identity and data). */}}
{{- define "tessera.serverEnv" -}}
- name: ConnectionStrings__Tessera
  valueFrom:
    secretKeyRef:
      name: {{ include "tessera.secretName" .root }}
      key: {{ .root.Values.postgres.existingSecretKey }}
- name: Tessera__Identity__Issuer
  value: {{ .root.Values.publicUrl | quote }}
- name: Tessera__Identity__Address
  value: {{ include "tessera.serviceUrl" (dict "root" .root "component" "identity") | quote }}
- name: Tessera__Bootstrap__Tenant
  value: {{ .root.Values.bootstrap.tenant | quote }}
{{- end }}

{{/*
The pod template pieces every component shares: security context, probes, lifecycle, scheduling.
Called with (dict "root" $ "component" "data" "values" .Values.data).
*/}}
{{- define "tessera.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1654
runAsGroup: 1654
fsGroup: 1654
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "tessera.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop:
    - ALL
{{- end }}

{{- define "tessera.probes" -}}
startupProbe:
  httpGet:
    path: /healthz
    port: http
  periodSeconds: 2
  failureThreshold: 60
livenessProbe:
  httpGet:
    path: /healthz
    port: http
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /readyz
    port: http
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 2
{{- end }}

{{- define "tessera.lifecycle" -}}
{{- if gt (int .values.preStopSleepSeconds) 0 }}
lifecycle:
  {{- /* Note: endpoints and the gateway learn of a terminating pod a moment after it gets SIGTERM; sleeping first
       keeps it serving until they stopped sending. A sleep action, as the chiseled image has no shell. */}}
  preStop:
    sleep:
      seconds: {{ int .values.preStopSleepSeconds }}
{{- end }}
{{- end }}

{{- define "tessera.scheduling" -}}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .values.affinity }}
affinity:
  {{- toYaml .values.affinity | nindent 2 }}
{{- else }}
{{- /* Spread replicas over nodes when possible: one node's loss should not take a whole component. */}}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "tessera.selectorLabels" . | nindent 14 }}
{{- end }}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Deployment strategy: never fewer ready pods than desired during an upgrade. */}}
{{- define "tessera.strategy" -}}
strategy:
  type: RollingUpdate
  rollingUpdate:
    maxUnavailable: 0
    maxSurge: {{ .values.maxSurge }}
{{- end }}
