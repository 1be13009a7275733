using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Tessera.Storage.Conformance;
using Tessera.Testing;

namespace Tessera.Storage.Postgres.Tests;

/// <summary>What only the PostgreSQL provider promises: migrations under concurrency, its schema, its startup checks.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PostgresProviderTests(PostgresServer server)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrations_AppliedTwice_AreRecordedOnce()
    {
        var connectionString = await server.CreateDatabaseAsync("migrate_twice");
        await using var services = await StorageServices.BuildAsync(s => s.UsePostgres(o => o.ConnectionString = connectionString), Token);

        await StorageServices.InitializeAsync(services, Token);

        var versions = await QueryAsync<int>(connectionString, "SELECT version FROM schema_migrations ORDER BY version");
        Assert.NotEmpty(versions);
        Assert.Equal(versions.Distinct(), versions);
        Assert.Equal(1, versions[0]);
    }

    [Fact]
    public async Task Migrations_OfSeveralNodesStartingTogether_AllSucceed()
    {
        var connectionString = await server.CreateDatabaseAsync("migrate_race");
        var nodes = Enumerable.Range(0, 4).Select(_ => Uninitialized(connectionString)).ToList();
        try
        {
            await Task.WhenAll(nodes.Select(node => Task.Run(() => StorageServices.InitializeAsync(node, Token), Token)));

            var created = await nodes[0].GetRequiredService<IDatabaseCatalog>().CreateAsync("tenant", "db", Token);
            Assert.NotNull(created);
            Assert.Equal(created.Key, (await nodes[3].GetRequiredService<IDatabaseCatalog>().GetAsync("tenant", "db", Token))!.Key);
            var versions = await QueryAsync<int>(connectionString, "SELECT version FROM schema_migrations");
            Assert.Equal(versions.Distinct(), versions);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task DeleteDatabase_WhileItsWriterCommits_LeavesNoRowsBehind()
    {
        var connectionString = await server.CreateDatabaseAsync("delete_race");
        await using var services = await StorageServices.BuildAsync(s => s.UsePostgres(o => o.ConnectionString = connectionString), Token);
        var catalog = services.GetRequiredService<IDatabaseCatalog>();
        var writer = services.GetRequiredService<IDocumentWriter>();
        var database = (await catalog.CreateAsync("tenant", "doomed", Token))!;

        var committed = 0;
        var writes = Task.Run(async () =>
        {
            for (var seq = 1; seq <= 400; seq++)
            {
                var id = $"doc-{seq}";
                try
                {
                    await writer.CommitAsync(
                        database.Key,
                        new CommitBatch([new DocumentRecord(id, "1-a", false, seq, [1, 2])], [new RevisionBody(id, "1-a", "{}")], [], [new AttachmentContent($"md5-{seq}", [0])], seq, 1, 0),
                        Token);
                    committed++;
                }
                catch (InvalidOperationException)
                {
                    return;
                }
            }
        }, Token);
        while (Volatile.Read(ref committed) < 20 && !writes.IsCompleted)
        {
            await Task.Yield();
        }

        Assert.True(await catalog.DeleteAsync("tenant", "doomed", Token));
        await writes;

        foreach (var table in new[] { "documents", "revisions", "attachments", "local_docs" })
        {
            var rows = await QueryAsync<long>(connectionString, $"SELECT count(*) FROM {table} WHERE db = {database.Key}");
            Assert.Equal(0L, rows.Single());
        }
    }

    [Fact]
    public async Task Commit_WithABodyJsonbRejects_FailsWholeAndWritesNothing()
    {
        // Note: jsonb cannot hold U+0000 in strings. The failure comes from the third statement of the batch, after the
        // catalog row was advanced, so this also shows the batch is one transaction.
        var connectionString = await server.CreateDatabaseAsync("nul_body");
        await using var services = await StorageServices.BuildAsync(s => s.UsePostgres(o => o.ConnectionString = connectionString), Token);
        var catalog = services.GetRequiredService<IDatabaseCatalog>();
        var database = (await catalog.CreateAsync("tenant", "db", Token))!;
        var batch = new CommitBatch(
            [new DocumentRecord("good", "1-a", false, 1, [1]), new DocumentRecord("bad", "1-a", false, 2, [1])],
            [new RevisionBody("good", "1-a", "{}"), new RevisionBody("bad", "1-a", """{"text":"nul \u0000 inside"}""")],
            [], [], 2, 2, 0);

        var exception = await Assert.ThrowsAsync<PostgresException>(() => services.GetRequiredService<IDocumentWriter>().CommitAsync(database.Key, batch, Token));

        Assert.Equal(PostgresErrorCodes.UntranslatableCharacter, exception.SqlState);
        Assert.Null(await services.GetRequiredService<IDocumentReader>().GetDocumentAsync(database.Key, "good", Token));
        Assert.Equal(0, (await catalog.GetAsync("tenant", "db", Token))!.UpdateSeq);
    }

    [Fact]
    public async Task Commit_OfANewDocumentThatExists_FailsWholeAndOverwritesNothing()
    {
        // New documents are plain inserts, not upserts: a writer whose idea of "new" is wrong must not replace a stored
        // revision tree with a fresh one.
        var connectionString = await server.CreateDatabaseAsync("new_exists");
        await using var services = await StorageServices.BuildAsync(s => s.UsePostgres(o => o.ConnectionString = connectionString), Token);
        var catalog = services.GetRequiredService<IDatabaseCatalog>();
        var writer = services.GetRequiredService<IDocumentWriter>();
        var reader = services.GetRequiredService<IDocumentReader>();
        var database = (await catalog.CreateAsync("tenant", "db", Token))!;
        await writer.CommitAsync(database.Key, new CommitBatch([new DocumentRecord("doc", "1-a", false, 1, [1])], [new RevisionBody("doc", "1-a", """{"v":1}""")], [], [], 1, 1, 0), Token);

        var batch = new CommitBatch(
            [new DocumentRecord("other", "1-b", false, 2, [2]), new DocumentRecord("doc", "1-c", false, 3, [3])],
            [new RevisionBody("other", "1-b", "{}"), new RevisionBody("doc", "1-c", """{"v":2}""")],
            [], [], 3, 2, 0) { NewDocuments = new HashSet<string> { "other", "doc" } };
        var exception = await Assert.ThrowsAsync<PostgresException>(() => writer.CommitAsync(database.Key, batch, Token));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, exception.SqlState);
        Assert.Equal("1-a", (await reader.GetDocumentAsync(database.Key, "doc", Token))!.WinningRev);
        Assert.Null(await reader.GetDocumentAsync(database.Key, "other", Token));
        Assert.Null(await reader.GetBodyAsync(database.Key, "doc", "1-c", Token));
        Assert.Equal(1, (await catalog.GetAsync("tenant", "db", Token))!.UpdateSeq);
    }

    [Fact]
    public async Task Schema_StoresBodiesAsJsonbAndOrdersIdsByBytes()
    {
        var connectionString = await server.CreateDatabaseAsync("schema");
        await using var services = await StorageServices.BuildAsync(s => s.UsePostgres(o => o.ConnectionString = connectionString), Token);

        var types = await QueryAsync<string>(connectionString, """
            SELECT table_name || '.' || column_name || ':' || data_type || ':' || coalesce(collation_name, '')
            FROM information_schema.columns
            WHERE (table_name, column_name) IN (('revisions', 'body'), ('documents', 'id'), ('documents', 'rev_tree'), ('attachments', 'data'))
            ORDER BY 1
            """);

        Assert.Equal(["attachments.data:bytea:", "documents.id:text:C", "documents.rev_tree:bytea:", "revisions.body:jsonb:"], types);
    }

    [Fact]
    public void UsePostgres_WithoutConnectionString_FailsOptionsValidation()
    {
        var services = new ServiceCollection();
        services.AddTesseraStorage().UsePostgres(_ => { });
        using var provider = services.BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PostgresStorageOptions>>().Value);
        Assert.Contains(nameof(PostgresStorageOptions.ConnectionString), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UsePostgres_WithAMalformedConnectionString_FailsOptionsValidation()
    {
        var services = new ServiceCollection();
        services.AddTesseraStorage().UsePostgres(o => o.ConnectionString = "Host=localhost;NoSuchKeyword=1");
        using var provider = services.BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PostgresStorageOptions>>().Value);
    }

    [Fact]
    public void UsePostgres_CalledTwice_RegistersEachServiceOnce()
    {
        var services = new ServiceCollection();
        services.AddTesseraStorage().UsePostgres(o => o.ConnectionString = "Host=localhost");
        services.AddTesseraStorage().UsePostgres(o => o.ConnectionString = "Host=localhost");

        Assert.Single(services, d => d.ServiceType == typeof(NpgsqlDataSource));
        Assert.Single(services, d => d.ServiceType == typeof(IDocumentWriter));
        Assert.Single(services, d => d.ServiceType == typeof(IDocumentReader));
        Assert.Single(services, d => d.ServiceType == typeof(IDatabaseCatalog));
        Assert.Single(services, d => d.ServiceType == typeof(IStorageInitializer));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<PostgresStorageOptions>) && d.ImplementationType != null && d.ImplementationType.Name == "PostgresStorageOptionsValidator");
    }

    [Fact]
    public void UsePostgres_DataSource_AutoPreparesAndSkipsResetUnlessTheConnectionStringSaysOtherwise()
    {
        var defaults = DataSourceSettings("Host=localhost;Database=x");
        var explicitValues = DataSourceSettings("Host=localhost;Database=x;Max Auto Prepare=5;No Reset On Close=false");

        Assert.Equal(64, defaults.MaxAutoPrepare);
        Assert.True(defaults.NoResetOnClose);
        Assert.Equal(5, explicitValues.MaxAutoPrepare);
        Assert.False(explicitValues.NoResetOnClose);
    }

    [Fact]
    public async Task UsePostgres_Connections_UseGenericPlansUnlessTheConnectionStringChoosesAPlanMode()
    {
        var connectionString = await server.CreateDatabaseAsync("plan_mode");
        using var provider = Uninitialized(connectionString);
        await using var command = provider.GetRequiredService<NpgsqlDataSource>().CreateCommand("SHOW plan_cache_mode");

        Assert.Equal("force_generic_plan", await command.ExecuteScalarAsync(Token));
        Assert.Equal("-c plan_cache_mode=auto", DataSourceSettings("Host=localhost;Options=-c plan_cache_mode=auto").Options);
        Assert.Equal("-c search_path=x -c plan_cache_mode=force_generic_plan", DataSourceSettings("Host=localhost;Options=-c search_path=x").Options);
    }

    [Fact]
    public async Task DeleteBodies_InADatabaseNewerThanTheStatistics_ProbesTheIndexPerRevision()
    {
        // The statement shape of PostgresDocumentWriter's deletion of stemmed bodies, planned as the writer's connections
        // plan it: a database created after ANALYZE must still be probed per revision, not scanned by its key prefix.
        var connectionString = await server.CreateDatabaseAsync("plan_shape");
        await using var services = await StorageServices.BuildAsync(s => s.UsePostgres(o => o.ConnectionString = connectionString), Token);
        await StorageServices.InitializeAsync(services, Token);
        var catalog = services.GetRequiredService<IDatabaseCatalog>();
        var old = await catalog.CreateAsync("tenant", "old", Token);
        await using var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        await using (var fill = dataSource.CreateCommand(
            "INSERT INTO revisions (db, doc_id, rev, body) SELECT $1, 'd' || g, '1-a', '{}' FROM generate_series(1, 5000) g"))
        {
            fill.Parameters.Add(new NpgsqlParameter<long> { TypedValue = old!.Key });
            await fill.ExecuteNonQueryAsync(Token);
        }

        await using (var analyze = dataSource.CreateCommand("ANALYZE revisions"))
        {
            await analyze.ExecuteNonQueryAsync(Token);
        }

        var fresh = await catalog.CreateAsync("tenant", "fresh", Token);
        await using var connection = await dataSource.OpenConnectionAsync(Token);
        await using (var prepare = new NpgsqlCommand(
            "PREPARE remove(bigint, text[], text[]) AS DELETE FROM revisions AS r USING unnest($2::text[], $3::text[]) AS u(doc_id, rev) WHERE r.db = $1 AND r.doc_id = u.doc_id AND r.rev = u.rev", connection))
        {
            await prepare.ExecuteNonQueryAsync(Token);
        }

        await using var explain = new NpgsqlCommand($"EXPLAIN EXECUTE remove({fresh!.Key}, ARRAY['d1','d2'], ARRAY['1-a','1-a'])", connection);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync(Token))
        {
            while (await reader.ReadAsync(Token))
            {
                plan.Add(reader.GetString(0));
            }
        }

        Assert.Contains(plan, line => line.Contains("Index Cond: ((db = $1) AND (doc_id = ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateDatabase_OfTheTestServer_ReturnsDistinctEmptyDatabases()
    {
        var first = await server.CreateDatabaseAsync("fixture");
        var second = await server.CreateDatabaseAsync("fixture");

        Assert.NotEqual(new NpgsqlConnectionStringBuilder(first).Database, new NpgsqlConnectionStringBuilder(second).Database);
        Assert.Equal(0L, (await QueryAsync<long>(first, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")).Single());
        TestContext.Current.TestOutputHelper?.WriteLine($"PostgreSQL test server from {server.Source}");
    }

    private static NpgsqlConnectionStringBuilder DataSourceSettings(string connectionString)
    {
        using var provider = Uninitialized(connectionString);
        return new NpgsqlConnectionStringBuilder(provider.GetRequiredService<NpgsqlDataSource>().ConnectionString);
    }

    private static ServiceProvider Uninitialized(string connectionString)
    {
        var services = new ServiceCollection();
        services.AddTesseraStorage().UsePostgres(o => o.ConnectionString = connectionString);
        return services.BuildServiceProvider();
    }

    private static async Task<List<T>> QueryAsync<T>(string connectionString, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(Token);
        var rows = new List<T>();
        while (await reader.ReadAsync(Token))
        {
            rows.Add(reader.GetFieldValue<T>(0));
        }

        return rows;
    }
}
