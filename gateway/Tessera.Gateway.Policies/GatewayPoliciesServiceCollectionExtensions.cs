using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenIddict.Validation;
using Polly;
using Polly.Retry;
using Tessera.Gateway.Policies;
using Tessera.Gateway.Policies.Limits;
using Tessera.Gateway.Policies.Tenancy;
using Tessera.Gateway.Policies.Tokens;
using Tessera.Security;

namespace Microsoft.Extensions.DependencyInjection;

public static class GatewayPoliciesServiceCollectionExtensions
{
    /// <summary>
    /// Registers the gateway policies bound from <c>Tessera:Gateway</c> (<see cref="GatewayOptions"/>, validated at
    /// startup): tenant resolution with the host-form rewrite, request size caps, header stripping, per-tenant rate and
    /// concurrency limits, and, when <c>Tessera:Gateway:Issuer</c> is set, the token check (OpenIddict validation from
    /// the identity's discovery document, audience <c>tessera</c>). Pair it with <c>app.UseTesseraGatewayPolicies()</c>.
    /// Safe to call more than once.
    /// </summary>
    /// <remarks>
    /// Without an issuer the token check still runs when the host registered OpenIddict validation itself (embedded mode,
    /// where identity is in-process), and is skipped otherwise: the data nodes check tokens in every case.
    /// </remarks>
    public static IHostApplicationBuilder AddTesseraGatewayPolicies(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(TenantResolver)))
        {
            return builder;
        }

        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        services.TryAddSingleton<TenantResolver>();
        services.TryAddSingleton<LongLivedRequests>();
        services.TryAddSingleton<TenantRateLimits>();
        // The token check asks which schemes exist; with no issuer configured there may be none.
        services.AddAuthentication();

        services.AddRateLimiter(static _ => { });
        services.AddOptions<RateLimiterOptions>().Configure<TenantRateLimits>(static (options, limits) =>
        {
            options.GlobalLimiter = limits.Limiter;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = TenantRateLimits.OnRejectedAsync;
        });

        // Note: read once here, as eShop does, to decide what to register; the values themselves flow through options.
        if (!string.IsNullOrWhiteSpace(builder.Configuration[$"{GatewayOptions.SectionName}:{nameof(GatewayOptions.Issuer)}"]))
        {
            AddTokenValidation(services);
        }

        return builder;
    }

    private static void AddTokenValidation(IServiceCollection services)
    {
        services.AddOpenIddict().AddValidation(validation =>
        {
            validation.AddAudiences(TesseraClaims.Audience);
            validation.AddEventHandler(InternalIdentityAddressHandler.Descriptor);
            validation.AddEventHandler(WebSocketBearerSubprotocol.Descriptor);
            // Note: one quick retry, bounded in time: while identity is down every bearer request waits on this fetch
            // (OpenIddict's default pipeline retries for about 15 s), and the data node checks the token anyway.
            validation.UseSystemNetHttp().SetHttpResiliencePipeline(static pipeline => pipeline
                .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = 1,
                    Delay = TimeSpan.FromMilliseconds(200),
                    ShouldHandle = static args => ValueTask.FromResult(
                        args.Outcome.Exception is not null
                        || (int?)args.Outcome.Result?.StatusCode is >= 500 or 408 or 429),
                })
                .AddTimeout(TimeSpan.FromSeconds(3)));
            // Note: reading a form body to look for a token would consume the stream the proxy forwards.
            validation.UseAspNetCore().DisableAccessTokenExtractionFromBodyForm();
        });

        services.AddOptions<OpenIddictValidationOptions>().Configure<IOptions<GatewayOptions>>(static (validation, gateway) =>
        {
            var issuer = gateway.Value.Issuer!;
            validation.Issuer = issuer;
            // Discovery from the internal address when there is one; the document must still name the public issuer.
            validation.ConfigurationEndpoint = new Uri(gateway.Value.IdentityAddress ?? issuer, ".well-known/openid-configuration");
        });
    }
}
