using Microsoft.Extensions.Options;
using OpenIddict.Validation;
using static OpenIddict.Validation.OpenIddictValidationEvents;

namespace Tessera.Gateway.Policies.Tokens;

/// <summary>
/// When the gateway reaches identity at an internal address (<see cref="GatewayOptions.IdentityAddress"/>, such as
/// <c>http://identity:8080/</c>) that differs from the public issuer, the discovery document it reads there still names
/// the public JWKS address (<c>https://tessera.example.com/.well-known/jwks</c>), which may not be reachable from inside
/// the cluster. This handler moves the JWKS address under the internal one, right after OpenIddict extracted it.
/// </summary>
/// <remarks>
/// Note: the document's <c>issuer</c> is still checked against the public <see cref="GatewayOptions.Issuer"/>, and so is
/// every token's <c>iss</c>; only where the bytes are fetched from changes.
/// </remarks>
internal sealed class InternalIdentityAddressHandler(IOptionsMonitor<GatewayOptions> options) : IOpenIddictValidationHandler<HandleConfigurationResponseContext>
{
    public static OpenIddictValidationHandlerDescriptor Descriptor { get; } =
        OpenIddictValidationHandlerDescriptor.CreateBuilder<HandleConfigurationResponseContext>()
            .UseSingletonHandler<InternalIdentityAddressHandler>()
            .SetOrder(OpenIddictValidationHandlers.Discovery.ExtractJsonWebKeySetEndpoint.Descriptor.Order + 500)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleConfigurationResponseContext context)
    {
        var current = options.CurrentValue;
        if (current is { IdentityAddress: { } inside, Issuer: { } issuer }
            && context.Configuration.JsonWebKeySetUri is { } jwks && issuer.IsBaseOf(jwks))
        {
            context.Configuration.JsonWebKeySetUri = new Uri(inside, issuer.MakeRelativeUri(jwks));
        }

        return ValueTask.CompletedTask;
    }
}
