using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenIddict.Server;
using OpenIddict.Validation.AspNetCore;
using Tessera.Identity;
using Tessera.Identity.Abuse;
using Tessera.Identity.Api;
using Tessera.Identity.Accounts;
using Tessera.Identity.ApiKeys;
using Tessera.Identity.Apps;
using Tessera.Identity.Bootstrap;
using Tessera.Identity.Data;
using Tessera.Identity.Keys;
using Tessera.Identity.Server;
using Tessera.Security;

namespace Microsoft.Extensions.DependencyInjection;

public static class TesseraIdentityServiceCollectionExtensions
{
    /// <summary>
    /// Adds the identity service: the OpenIddict server (discovery, JWKS, authorize, token, revoke, introspect, logout)
    /// on EF Core stores (PostgreSQL when <c>ConnectionStrings:Tessera</c> is set, else SQLite at
    /// <c>{Tessera:DataPath}/identity.db</c>), accounts, tenants, API keys, the platform API, the hosted pages, abuse
    /// limits and the bootstrap of the first tenant. Does nothing when <c>Tessera:Roles</c> is set and lacks
    /// <c>identity</c>. Safe to call more than once.
    /// </summary>
    public static IHostApplicationBuilder AddTesseraIdentity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (!HasIdentityRole(builder.Configuration) || services.Any(d => d.ServiceType == typeof(IdentityServerMarker)))
        {
            return builder;
        }

        services.AddSingleton<IdentityServerMarker>();
        builder.AddTesseraApiKeyVerification();
        services.AddOptions<TesseraIdentityOptions>().BindConfiguration("Tessera:Identity").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IdentityBootstrapOptions>().BindConfiguration("Tessera:Bootstrap");
        services.TryAddSingleton<IPasswordHasher<Account>, PasswordHasher<Account>>();
        services.TryAddScoped<AccountService>();
        services.TryAddScoped<TenantService>();
        services.TryAddScoped<InvitationService>();
        services.TryAddScoped<AppService>();
        services.TryAddSingleton<IdentityKeyRing>();
        services.TryAddSingleton<IdentityRateLimiter>();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, IdentityRateLimitStartupFilter>());
        services.AddHostedService<IdentityBootstrapper>();

        services.AddOpenIddict()
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetRevocationEndpointUris("connect/revoke")
                    .SetIntrospectionEndpointUris("connect/introspect")
                    .SetEndSessionEndpointUris("connect/logout");
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange()
                    .AllowClientCredentialsFlow()
                    .AllowRefreshTokenFlow();
                server.RegisterScopes([.. AppService.ProtocolScopes, DataScopes.Read, DataScopes.Write, DataScopes.Admin, DataScopes.Platform]);
                server.RegisterClaims(TesseraClaims.Subject, TesseraClaims.Tenant, TesseraClaims.Name, TesseraClaims.Role, TesseraClaims.ClientId, TesseraClaims.Scope);
                // Note: data scopes name databases (data:write:orders), so there is no fixed list to validate against; the
                // token endpoint and the authorize handler check requested scopes against the key's or the app's own.
                server.DisableScopeValidation().IgnoreScopePermissions();
                // JWT access tokens that gateway and data nodes validate locally with the JWKS (token contract).
                server.DisableAccessTokenEncryption();
                // A refresh token is single use: rotation on every use, and a second use is refused at once.
                server.SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    // Note: TLS ends at the gateway or ingress; the identity process itself listens on plain HTTP.
                    .DisableTransportSecurityRequirement();
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.AddAudiences(TesseraClaims.Audience);
                // Note: no EnableTokenEntryValidation: these validation options are shared with the data node in embedded
                // mode, whose token check must not query the store. The platform API checks the token entry itself.
                validation.UseAspNetCore();
            });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<OpenIddictServerOptions>, ServerOptionsSetup>());

        services.AddAuthentication()
            .AddCookie(IdentityDefaults.CookieScheme, cookie =>
            {
                cookie.Cookie.Name = "tessera.identity";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax;
                cookie.LoginPath = "/login";
                cookie.LogoutPath = "/logout";
                cookie.AccessDeniedPath = "/login";
                cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
                cookie.SlidingExpiration = true;
            })
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyBasicHandler>(IdentityDefaults.BasicScheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(IdentityDefaults.PlatformPolicy, policy => policy
                .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme, IdentityDefaults.BasicScheme)
                .RequireAuthenticatedUser())
            .AddPolicy(IdentityDefaults.ConsolePolicy, policy => policy
                .AddAuthenticationSchemes(IdentityDefaults.CookieScheme)
                .RequireAuthenticatedUser());
        services.AddAntiforgery();
        services.AddDataProtection();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
            o.XmlRepository = new DataProtectionKeyRepository(sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<IdentityStoreInitializer>())));
        services.AddProblemDetails();
        services.AddOpenApi(IdentityDefaults.OpenApiDocument, openApi =>
            openApi.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1", StringComparison.Ordinal) == true);
        return builder;
    }

    /// <summary>
    /// Adds what a data node needs to accept API keys (HTTP Basic): the identity store and an
    /// <see cref="IApiKeyVerifier"/> over it, without the OpenIddict server or any endpoint. Called by
    /// <see cref="AddTesseraIdentity"/> too. Safe to call more than once.
    /// </summary>
    public static IHostApplicationBuilder AddTesseraApiKeyVerification(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(IdentityStore)))
        {
            return builder;
        }

        var connectionString = builder.Configuration.GetConnectionString("Tessera");
        var dataPath = builder.Configuration["Tessera:DataPath"] is { Length: > 0 } path ? path : "./data";
        var store = new IdentityStore(string.IsNullOrWhiteSpace(connectionString) ? null : connectionString, Path.Combine(Path.GetFullPath(dataPath), "identity.db"));
        services.AddSingleton(store);
        services.AddOptions<TesseraIdentityOptions>().BindConfiguration("Tessera:Identity").ValidateDataAnnotations().ValidateOnStart();
        if (store.IsPostgres && !services.Any(d => d.ServiceType == typeof(NpgsqlDataSource)))
        {
            // One NpgsqlDataSource per process: the document store's when it is registered, else this one.
            services.AddNpgsqlDataSource(store.PostgresConnectionString!);
        }

        services.AddDbContext<IdentityDbContext>((sp, options) =>
        {
            if (store.IsPostgres)
            {
                options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>());
            }
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(store.SqlitePath)!);
                options.UseSqlite($"Data Source={store.SqlitePath};Pooling=True").AddInterceptors(SqlitePragmasInstance);
            }

            options.UseOpenIddict();
        });
        services.AddOpenIddict().AddCore(core => core.UseEntityFrameworkCore().UseDbContext<IdentityDbContext>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IdentityStoreInitializer>();
        services.TryAddSingleton<ApiKeyVerifier>();
        services.TryAddSingleton<IApiKeyVerifier>(sp => sp.GetRequiredService<ApiKeyVerifier>());
        services.TryAddScoped<ApiKeyService>();
        return builder;
    }

    private static readonly SqlitePragmas SqlitePragmasInstance = new();

    private static bool HasIdentityRole(IConfiguration configuration)
    {
        var roles = configuration["Tessera:Roles"];
        return string.IsNullOrWhiteSpace(roles)
            || roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Contains("identity", StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Registered once by <see cref="AddTesseraIdentity"/>; tells <c>MapTesseraIdentity</c> the role is on.</summary>
    internal sealed class IdentityServerMarker;
}
