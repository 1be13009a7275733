using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Tessera.Identity.Data;

namespace Tessera.Identity.Keys;

/// <summary>
/// The token signing key (RSA) and the encryption key of codes and refresh tokens (AES-256): from configuration when
/// set, otherwise generated once and kept in the identity store, so restarts and every identity replica share them
/// (a refresh token issued by one replica must be redeemable at another; JWKS must not change on restart).
/// </summary>
/// <remarks>
/// Note: generated private keys sit in the identity database unencrypted; protect that database, or give the keys
/// through <c>Tessera:Identity:SigningKey</c> and <c>EncryptionKey</c> from a secret store in production.
/// </remarks>
public sealed class IdentityKeyRing(IdentityStoreInitializer initializer, IOptions<TesseraIdentityOptions> options, TimeProvider time)
{
    private const string SigningPurpose = "signing-rsa";
    private const string EncryptionPurpose = "encryption-aes256";

    private readonly Lock _gate = new();
    private Task<(RsaSecurityKey Signing, SymmetricSecurityKey Encryption)>? _keys;

    public Task<(RsaSecurityKey Signing, SymmetricSecurityKey Encryption)> GetKeysAsync()
    {
        lock (_gate)
        {
            return _keys ??= Task.Run(LoadAsync);
        }
    }

    private async Task<(RsaSecurityKey, SymmetricSecurityKey)> LoadAsync()
    {
        await initializer.EnsureCreatedAsync();
        var configured = options.Value;
        var signingPem = configured.SigningKey;
        var encryption = configured.EncryptionKey;
        if (signingPem is null || encryption is null)
        {
            (var storedPem, var storedEncryption) = await initializer.RunExclusiveAsync(async services =>
            {
                var db = services.GetRequiredService<IdentityDbContext>();
                var pem = signingPem is null ? await GetOrAddAsync(db, SigningPurpose, NewRsaPem) : null;
                var aes = encryption is null ? await GetOrAddAsync(db, EncryptionPurpose, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))) : null;
                return (pem, aes);
            });
            signingPem ??= storedPem!;
            encryption ??= storedEncryption!;
        }

        return (ToSigningKey(signingPem), ToEncryptionKey(encryption));
    }

    private async Task<string> GetOrAddAsync(IdentityDbContext db, string purpose, Func<string> create)
    {
        var existing = await db.KeyMaterials.AsNoTracking().FirstOrDefaultAsync(k => k.Purpose == purpose);
        if (existing is not null)
        {
            return existing.Value;
        }

        var value = create();
        db.KeyMaterials.Add(new KeyMaterial { Purpose = purpose, Value = value, CreatedAt = time.GetUtcNow().UtcDateTime });
        await db.SaveChangesAsync();
        return value;
    }

    private static string NewRsaPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    private static RsaSecurityKey ToSigningKey(string pem)
    {
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (ArgumentException exception)
        {
            throw new InvalidOperationException("Tessera:Identity:SigningKey is not an RSA private key in PEM form.", exception);
        }

        var parameters = rsa.ExportParameters(includePrivateParameters: true);
        // A key id derived from the public key: the same on every replica and restart, different after a key change.
        var kid = Base64UrlEncoder.Encode(SHA256.HashData(parameters.Modulus!).AsSpan(0, 16).ToArray());
        return new RsaSecurityKey(parameters) { KeyId = kid };
    }

    private static SymmetricSecurityKey ToEncryptionKey(string base64)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException exception)
        {
            throw new InvalidOperationException("Tessera:Identity:EncryptionKey is not base64.", exception);
        }

        return bytes.Length == 32
            ? new SymmetricSecurityKey(bytes)
            : throw new InvalidOperationException("Tessera:Identity:EncryptionKey must be 32 bytes (256 bits), base64.");
    }
}
