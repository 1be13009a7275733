using System.Data.Common;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tessera.Storage;
using Tessera.Storage.Postgres;
using Tessera.Storage.Postgres.Stores;

namespace Microsoft.Extensions.DependencyInjection;

public static class PostgresStorageBuilderExtensions
{
    /// <summary>
    /// Stores Tessera's databases in PostgreSQL through the process's one <c>NpgsqlDataSource</c>
    /// (registered with <c>AddNpgsqlDataSource</c>; a data source registered before this call is used as it is).
    /// The options are validated when the host starts, and the schema migrations run before requests are served.
    /// Safe to call more than once: services are registered with <c>TryAdd*</c>, and the configure actions apply in order.
    /// </summary>
    public static TesseraStorageBuilder UsePostgres(this TesseraStorageBuilder builder, Action<PostgresStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        var services = builder.Services;
        services.AddOptions<PostgresStorageOptions>()
            .Configure(configure)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresStorageOptions>, PostgresStorageOptionsValidator>());

        // Note: the connection string is known only once the options are built, so the data source builder reads it
        // from them instead of taking it as the registration argument.
        services.AddNpgsqlDataSource(string.Empty, static (serviceProvider, dataSourceBuilder) =>
        {
            var options = serviceProvider.GetRequiredService<IOptions<PostgresStorageOptions>>().Value;
            var connectionString = dataSourceBuilder.ConnectionStringBuilder;
            connectionString.ConnectionString = options.ConnectionString;
            if (connectionString.MaxAutoPrepare == 0)
            {
                connectionString.MaxAutoPrepare = 64;
            }

            // Note: every storage call takes a pooled connection for one statement or batch; resetting session state on
            // each return to the pool roughly halves the throughput of those calls, and storage never changes session state.
            if (!SetsKeyword(options.ConnectionString, "No Reset On Close", "NoResetOnClose"))
            {
                connectionString.NoResetOnClose = true;
            }
        });

        services.TryAddSingleton<IDatabaseCatalog, PostgresDatabaseCatalog>();
        services.TryAddSingleton<IDocumentReader, PostgresDocumentReader>();
        services.TryAddSingleton<IDocumentWriter, PostgresDocumentWriter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStorageInitializer, PostgresMigrator>());
        return builder;
    }

    private static bool SetsKeyword(string connectionString, params ReadOnlySpan<string> keywords)
    {
        // Note: a plain builder, because NpgsqlConnectionStringBuilder.ContainsKey tells whether a keyword is known, not set.
        var raw = new DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (var keyword in keywords)
        {
            if (raw.ContainsKey(keyword))
            {
                return true;
            }
        }

        return false;
    }
}
