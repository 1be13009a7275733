namespace Tessera.Identity.Api;

// The JSON shapes of the platform API (camelCase on the wire). Request fields are nullable so a missing field is a
// 400 problem naming it, not a binding failure.

public sealed record SignupRequest(string? Email, string? Password, string? Tenant);

public sealed record KeySecret(string Id, string Secret);

public sealed record SignupResponse(string Tenant, KeySecret Key);

public sealed record TenantResponse(string Tenant, DateTime CreatedAt, int Members);

public sealed record MemberResponse(string AccountId, string Email, string Role, DateTime Since);

public sealed record RoleRequest(string? Role);

public sealed record InviteRequest(string? Email, string? Role);

/// <summary>A new invitation: <see cref="Token"/> and <see cref="Link"/> are shown only in this response.</summary>
public sealed record InvitationCreatedResponse(string Id, string Email, string Role, string Token, string Link, DateTime ExpiresAt);

public sealed record InvitationResponse(string Id, string Email, string Role, DateTime CreatedAt, DateTime ExpiresAt, string? InvitedBy);

public sealed record AcceptInvitationRequest(string? Token, string? Password);

public sealed record AcceptInvitationResponse(string Tenant, string Role, string AccountId, string Email);

public sealed record CreateKeyRequest(string? Name, string[]? Scopes);

/// <summary>A new API key: <see cref="Secret"/> is shown only in this response, and stored hashed.</summary>
public sealed record KeyCreatedResponse(string Id, string Secret, string Name, IReadOnlyList<string> Scopes, DateTime CreatedAt);

public sealed record KeyResponse(string Id, string Name, IReadOnlyList<string> Scopes, DateTime CreatedAt, string? CreatedBy);

public sealed record CreateAppRequest(string? Name, string[]? RedirectUris, string[]? Scopes);

public sealed record AppResponse(string ClientId, string Name, IReadOnlyList<string> RedirectUris, IReadOnlyList<string> Scopes, DateTime CreatedAt);
