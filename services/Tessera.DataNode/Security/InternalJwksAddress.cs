using OpenIddict.Validation;
using static OpenIddict.Validation.OpenIddictValidationEvents;

namespace Tessera.DataNode.Security;

/// <summary>
/// Moves the key set address of the identity's discovery document from the public issuer to the identity's address
/// inside the cluster. A data node reads discovery at <c>Tessera:Identity:Address</c> (<c>http://identity:8080/</c>), but
/// the document names every endpoint under the public issuer (<c>https://tessera.example.com/.well-known/jwks</c>), which
/// the node may not be able to reach (no route out, split DNS, the gateway in front of a node behind it).
/// </summary>
/// <remarks>
/// Note: only where the keys are fetched from changes. The document's <c>issuer</c> is still checked against the public
/// issuer, and so is each token's <c>iss</c>. A key set URI outside the issuer is left as published. The gateway does
/// the same with <c>Tessera.Gateway.Policies.Tokens.InternalIdentityAddressHandler</c>.
/// </remarks>
internal sealed class InternalJwksAddress(Uri issuer, Uri address) : IOpenIddictValidationHandler<HandleConfigurationResponseContext>
{
    private readonly Uri _issuer = WithTrailingSlash(issuer);
    private readonly Uri _address = WithTrailingSlash(address);

    /// <summary>A descriptor that runs right after OpenIddict read <c>jwks_uri</c> from the document.</summary>
    public static OpenIddictValidationHandlerDescriptor Descriptor(Uri issuer, Uri address) =>
        OpenIddictValidationHandlerDescriptor.CreateBuilder<HandleConfigurationResponseContext>()
            .UseSingletonHandler(new InternalJwksAddress(issuer, address))
            .SetOrder(OpenIddictValidationHandlers.Discovery.ExtractJsonWebKeySetEndpoint.Descriptor.Order + 500)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build();

    /// <summary>Where the node fetches discovery: the internal address's <c>.well-known/openid-configuration</c>.</summary>
    public static Uri DiscoveryAddress(Uri address) => new(WithTrailingSlash(address), ".well-known/openid-configuration");

    public ValueTask HandleAsync(HandleConfigurationResponseContext context)
    {
        if (context.Configuration.JsonWebKeySetUri is { } published)
        {
            context.Configuration.JsonWebKeySetUri = Rewrite(published);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The key set address under the internal address, or <paramref name="published"/> when it is not under the issuer.</summary>
    public Uri Rewrite(Uri published) =>
        // Note: AbsoluteUri is canonical (scheme and host lowercased, default port dropped), so a prefix test is exact.
        published.AbsoluteUri.StartsWith(_issuer.AbsoluteUri, StringComparison.Ordinal)
            ? new Uri(_address, published.AbsoluteUri[_issuer.AbsoluteUri.Length..])
            : published;

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/", UriKind.Absolute);
}
