{{/* Per-component environment. Configuration keys are the applications' own (see README.md "Configuration"). */}}

{{- define "tessera.gatewayEnv" -}}
- name: Tessera__Gateway__Issuer
  value: {{ .Values.publicUrl | quote }}
- name: Tessera__Gateway__IdentityAddress
  value: {{ include "tessera.serviceUrl" (dict "root" . "component" "identity") | quote }}
{{- with .Values.baseDomain }}
- name: Tessera__Gateway__BaseDomain
  value: {{ . | quote }}
{{- end }}
{{- /*
Note: the gateway's appsettings.json names no data destination (docker-compose sets data1 and data2) and one identity
destination, identity1, overridden here. The data clusters (REST and gRPC) get one destination, "pods": with
podDestinations on, the data pods' headless Service, which the gateway resolves into one destination per ready pod
(named pods[<pod IP>], each health-checked); off, the data Service, behind which kube-proxy picks the pod.
*/}}
{{- $pods := .Values.gateway.podDestinations }}
{{- $data := include "tessera.serviceUrl" (dict "root" . "component" "data") }}
{{- if $pods.enabled }}
{{- $data = printf "http://%s:%d/" (include "tessera.dataHeadlessName" .) (int .Values.service.internalPort) }}
{{- end }}
{{- range $cluster := list "data" "data-grpc" }}
- name: {{ printf "ReverseProxy__Clusters__%s__Destinations__pods__Address" $cluster }}
  value: {{ $data | quote }}
{{- end }}
- name: ReverseProxy__Clusters__identity__Destinations__identity1__Address
  value: {{ include "tessera.serviceUrl" (dict "root" . "component" "identity") | quote }}
- name: Tessera__Gateway__ResolveDestinations
  value: {{ $pods.enabled | quote }}
{{- if $pods.enabled }}
- name: Tessera__Gateway__DestinationRefreshPeriod
  {{- $seconds := int $pods.refreshSeconds }}
  value: {{ printf "%02d:%02d:%02d" (div $seconds 3600) (div (mod $seconds 3600) 60) (mod $seconds 60) | quote }}
- name: Tessera__Gateway__DestinationAddressFamily
  value: {{ $pods.addressFamily | quote }}
{{- end }}
{{- end }}

{{- define "tessera.identityEnv" -}}
- name: Tessera__Roles
  value: identity
{{ include "tessera.serverEnv" (dict "root" .) }}
{{- if .Values.bootstrap.apiKey }}
- name: Tessera__Bootstrap__ApiKey
  value: {{ .Values.bootstrap.apiKey | quote }}
- name: Tessera__Bootstrap__ApiSecret
  valueFrom:
    secretKeyRef:
      name: {{ default (include "tessera.fullname" .) .Values.bootstrap.existingSecret }}
      key: {{ .Values.bootstrap.existingSecretKey }}
{{- end }}
{{- end }}

{{- define "tessera.dataEnv" -}}
- name: Tessera__Roles
  value: data
{{ include "tessera.serverEnv" (dict "root" .) }}
- name: Tessera__Orleans__Clustering
  value: AdoNet
- name: Tessera__Orleans__Kubernetes
  value: "true"
- name: Tessera__Orleans__ClusterId
  value: {{ .Values.orleans.clusterId | quote }}
- name: Tessera__Orleans__ServiceId
  value: {{ .Values.orleans.serviceId | quote }}
- name: Tessera__Orleans__SiloPort
  value: {{ .Values.orleans.siloPort | quote }}
- name: Tessera__Orleans__GatewayPort
  value: {{ .Values.orleans.gatewayPort | quote }}
{{- /* Orleans Kubernetes hosting: silo name, namespace and advertised address from the downward API. */}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: POD_IP
  valueFrom:
    fieldRef:
      fieldPath: status.podIP
{{- end }}
