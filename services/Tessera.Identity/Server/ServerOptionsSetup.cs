using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using Tessera.Identity.Keys;

namespace Tessera.Identity.Server;

/// <summary>Applies <see cref="TesseraIdentityOptions"/> (issuer, lifetimes) and the shared keys to the OpenIddict server.</summary>
internal sealed class ServerOptionsSetup(IOptions<TesseraIdentityOptions> options, IdentityKeyRing keys) : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions server)
    {
        var settings = options.Value;
        server.Issuer = settings.Issuer;
        server.AccessTokenLifetime = TimeSpan.FromMinutes(settings.AccessTokenMinutes);
        server.RefreshTokenLifetime = TimeSpan.FromDays(settings.RefreshTokenDays);

        // Note: options are built once, on first use; the keys come from the store (created by then by the bootstrapper,
        // which runs before the server listens), so this wait is short and happens once.
        var (signing, encryption) = keys.GetKeysAsync().GetAwaiter().GetResult();
        server.SigningCredentials.Add(new SigningCredentials(signing, SecurityAlgorithms.RsaSha256));
        server.EncryptionCredentials.Add(new EncryptingCredentials(encryption, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
    }
}
