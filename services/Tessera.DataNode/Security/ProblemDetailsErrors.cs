namespace Tessera.DataNode.Security;

/// <summary>Endpoint metadata: refusals answer RFC 9457 problem details (the platform API) instead of CouchDB errors.</summary>
public sealed class ProblemDetailsErrors;
