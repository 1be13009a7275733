using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.Storage;
using Tessera.Storage.Sqlite;
using Tessera.Storage.Sqlite.Stores;

namespace Microsoft.Extensions.DependencyInjection;

public static class SqliteStorageBuilderExtensions
{
    /// <summary>
    /// Stores Tessera's databases in one embedded SQLite file, <c>{DataPath}/tessera.db</c> (WAL mode,
    /// <c>synchronous=NORMAL</c>). Writes are serialized on one connection; reads use pooled connections and never
    /// wait for the writer. The options are validated when the host starts, and the schema migrations run before
    /// requests are served. Safe to call more than once: services are registered with <c>TryAdd*</c>.
    /// </summary>
    public static TesseraStorageBuilder UseSqlite(this TesseraStorageBuilder builder, Action<SqliteStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        var services = builder.Services;
        services.AddOptions<SqliteStorageOptions>()
            .Configure(configure)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton<SqliteConnectionFactory>();
        services.TryAddSingleton<IDatabaseCatalog, SqliteDatabaseCatalog>();
        services.TryAddSingleton<IDocumentReader, SqliteDocumentReader>();
        services.TryAddSingleton<IDocumentWriter, SqliteDocumentWriter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStorageInitializer, SqliteMigrator>());
        return builder;
    }
}
