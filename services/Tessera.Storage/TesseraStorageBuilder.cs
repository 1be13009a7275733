using Microsoft.Extensions.DependencyInjection;

namespace Tessera.Storage;

/// <summary>Chooses and configures the storage provider: <c>AddTesseraStorage().UsePostgres(...)</c> or <c>.UseSqlite(...)</c>.</summary>
public sealed class TesseraStorageBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;
}
