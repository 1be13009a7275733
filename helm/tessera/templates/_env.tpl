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
Note: the gateway's appsettings.json names the destinations data1, data2 (clusters data and data-grpc) and identity1
for docker-compose; they are overridden here with the in-cluster Services, so no compose host name is left over.
Kubernetes spreads connections over the ready pods behind each Service.
*/}}
{{- $data := include "tessera.serviceUrl" (dict "root" . "component" "data") }}
{{- range $cluster := list "data" "data-grpc" }}
{{- range $destination := list "data1" "data2" }}
- name: {{ printf "ReverseProxy__Clusters__%s__Destinations__%s__Address" $cluster $destination }}
  value: {{ $data | quote }}
{{- end }}
{{- end }}
- name: ReverseProxy__Clusters__identity__Destinations__identity1__Address
  value: {{ include "tessera.serviceUrl" (dict "root" . "component" "identity") | quote }}
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
