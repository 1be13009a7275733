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

            // Note: every statement names its database key ("db = $1"). A custom plan sees the key's value, and for a
            // database newer than the table's statistics the planner estimates a single row for it, so it scans all of
            // the database's rows by the key prefix and filters, instead of probing the index once per id of the
            // unnest() list: an update of a few documents in a fresh database cost PostgreSQL milliseconds, growing with
            // the database. Generic plans estimate "db = $1" from the number of distinct keys and keep the per-id probes;
            // they also skip planning on every execution of the auto-prepared statements.
            if (!(connectionString.Options ?? "").Contains("plan_cache_mode", StringComparison.Ordinal))
            {
                connectionString.Options = $"{connectionString.Options} -c plan_cache_mode=force_generic_plan".Trim();
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
