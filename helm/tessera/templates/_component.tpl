{{/*
One component's Deployment, Service, PodDisruptionBudget and HorizontalPodAutoscaler.
Called with (dict "root" $ "component" "data" "values" .Values.data "image" .Values.image.server
  "env" (include ... ) "extraPorts" (list ...) "podLabels" (dict ...) "serviceAccountName" "...").
*/}}
{{- define "tessera.component" -}}
{{- $root := .root -}}
{{- $values := .values -}}
{{- $name := printf "%s-%s" (include "tessera.fullname" $root) .component -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "tessera.componentLabels" . | nindent 4 }}
spec:
  {{- if not $values.autoscaling.enabled }}
  replicas: {{ $values.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  {{- include "tessera.strategy" . | nindent 2 }}
  selector:
    matchLabels:
      {{- include "tessera.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "tessera.componentLabels" . | nindent 8 }}
        {{- with .podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with $values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      {{- with .serviceAccountName }}
      serviceAccountName: {{ . }}
      {{- else }}
      automountServiceAccountToken: false
      {{- end }}
      terminationGracePeriodSeconds: {{ $values.terminationGracePeriodSeconds }}
      securityContext:
        {{- include "tessera.podSecurityContext" . | nindent 8 }}
      {{- include "tessera.scheduling" . | trim | nindent 6 }}
      containers:
        - name: {{ .component }}
          image: {{ include "tessera.image" (dict "root" $root "image" .image) | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
            {{- range .extraPorts }}
            - name: {{ .name }}
              containerPort: {{ .port }}
              protocol: TCP
            {{- end }}
          env:
            {{- include "tessera.commonEnv" . | nindent 12 }}
            {{- .env | nindent 12 }}
            {{- with $values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- include "tessera.probes" . | nindent 10 }}
          {{- with (include "tessera.lifecycle" . | trim) }}
          {{- . | nindent 10 }}
          {{- end }}
          resources:
            {{- toYaml $values.resources | nindent 12 }}
          securityContext:
            {{- include "tessera.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            # The root filesystem is read-only; .NET and ASP.NET Core need a writable temp folder.
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 256Mi
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  labels:
    {{- include "tessera.componentLabels" . | nindent 4 }}
spec:
  type: {{ default "ClusterIP" $values.serviceType }}
  selector:
    {{- include "tessera.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ $root.Values.service.internalPort }}
      targetPort: http
      protocol: TCP
{{- if $values.podDisruptionBudget.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $name }}
  labels:
    {{- include "tessera.componentLabels" . | nindent 4 }}
spec:
  {{- $maxUnavailable := index $values.podDisruptionBudget "maxUnavailable" }}
  {{- if not (kindIs "invalid" $maxUnavailable) }}
  maxUnavailable: {{ $maxUnavailable }}
  {{- else }}
  minAvailable: {{ default 1 $values.podDisruptionBudget.minAvailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "tessera.selectorLabels" . | nindent 6 }}
{{- end }}
{{- if $values.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $name }}
  labels:
    {{- include "tessera.componentLabels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $name }}
  minReplicas: {{ $values.autoscaling.minReplicas }}
  maxReplicas: {{ $values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $values.autoscaling.targetCPUUtilizationPercentage }}
    {{- with $values.autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
  behavior:
    scaleDown:
      # Note: scaling data nodes in moves grains; scaling them out again at once would only move them back.
      stabilizationWindowSeconds: {{ $values.autoscaling.scaleDownStabilizationSeconds }}
      policies:
        - type: Pods
          value: 1
          periodSeconds: 60
{{- end }}
{{- end }}
