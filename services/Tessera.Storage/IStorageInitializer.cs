namespace Tessera.Storage;

/// <summary>Prepares a provider's storage (applies schema migrations) before the host serves requests.</summary>
public interface IStorageInitializer
{
    Task InitializeAsync(CancellationToken cancellationToken);
}
