using Microsoft.AspNetCore.Builder;
using Tessera.Security;

namespace Tessera.DataNode.Security;

/// <summary>What an endpoint is about, for the access check.</summary>
public enum AccessTarget
{
    /// <summary>Open to anyone, even without credentials (the welcome document, <c>_up</c>, <c>_session</c>).</summary>
    Public,

    /// <summary>The tenant as a whole (listing databases, replication jobs).</summary>
    Tenant,

    /// <summary>One database, named by the <c>{db}</c> route value.</summary>
    Database,
}

/// <summary>
/// Endpoint metadata: the rights a caller needs. Every endpoint under <c>/t/{tenant}</c> must declare one; the
/// <see cref="AccessFilter"/> refuses endpoints that do not, so a new endpoint cannot be open by accident.
/// </summary>
public sealed record RequiredAccess(AccessTarget Target, Rights Rights);

public static class RequiredAccessExtensions
{
    public static TBuilder AllowPublic<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequiredAccess(AccessTarget.Public, Rights.None));

    public static TBuilder RequireTenant<TBuilder>(this TBuilder builder, Rights rights)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequiredAccess(AccessTarget.Tenant, rights));

    public static TBuilder RequireDatabase<TBuilder>(this TBuilder builder, Rights rights)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequiredAccess(AccessTarget.Database, rights));
}
