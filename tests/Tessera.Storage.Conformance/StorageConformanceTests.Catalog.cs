using Xunit;

namespace Tessera.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task CreateDatabase_NewName_ReturnsEmptyRecordWithDefaults()
    {
        var storage = await OpenAsync();
        var tenant = NewTenant();
        var before = DateTimeOffset.UtcNow;

        var record = await storage.Catalog.CreateAsync(tenant, "orders", Token);

        Assert.NotNull(record);
        Assert.True(record.Key > 0);
        Assert.Equal(tenant, record.Tenant);
        Assert.Equal("orders", record.Name);
        Assert.Equal(0, record.UpdateSeq);
        Assert.Equal(0, record.DocCount);
        Assert.Equal(0, record.DeletedDocCount);
        Assert.Equal(1000, record.RevsLimit);
        Assert.Null(record.SecurityJson);
        Assert.InRange(record.CreatedAt, before.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public async Task CreateDatabase_ExistingName_ReturnsNull()
    {
        var storage = await OpenAsync();
        var tenant = NewTenant();
        Assert.NotNull(await storage.Catalog.CreateAsync(tenant, "orders", Token));

        Assert.Null(await storage.Catalog.CreateAsync(tenant, "orders", Token));
    }

    [Fact]
    public async Task GetDatabase_AfterCreate_ReturnsTheCreatedRecord()
    {
        var storage = await OpenAsync();
        var created = await CreateDatabaseAsync(storage, "orders");

        var found = await storage.Catalog.GetAsync(created.Tenant, "orders", Token);

        Assert.NotNull(found);
        Assert.Equal(created.Key, found.Key);
        Assert.Equal(created.Tenant, found.Tenant);
        Assert.Equal(created.Name, found.Name);
        Assert.Equal(created.RevsLimit, found.RevsLimit);
        Assert.Equal(created.CreatedAt.ToUnixTimeMilliseconds(), found.CreatedAt.ToUnixTimeMilliseconds(), tolerance: 1);
    }

    [Fact]
    public async Task GetDatabase_Unknown_ReturnsNull()
    {
        var storage = await OpenAsync();

        Assert.Null(await storage.Catalog.GetAsync(NewTenant(), "missing", Token));
    }

    [Fact]
    public async Task ListDatabases_ReturnsTheTenantsNamesInOrdinalOrder()
    {
        var storage = await OpenAsync();
        var tenant = NewTenant();
        string[] names = ["b", "a-b", "a", "a$", "a_b", "ab", "a/b", "z9", "a(b)"];
        foreach (var name in names)
        {
            Assert.NotNull(await storage.Catalog.CreateAsync(tenant, name, Token));
        }

        await storage.Catalog.CreateAsync(NewTenant(), "aa", Token);

        var listed = await storage.Catalog.ListAsync(tenant, Token);

        Assert.Equal(names.Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public async Task ListDatabases_UnknownTenant_ReturnsEmpty()
    {
        var storage = await OpenAsync();

        Assert.Empty(await storage.Catalog.ListAsync(NewTenant(), Token));
    }

    [Fact]
    public async Task ListDatabasesByName_ReturnsThatNameInEveryTenant_OrderedByTenant()
    {
        var storage = await OpenAsync();
        // Note: the storage is shared by the suite's tests, so the name is unique to this test.
        var name = "_replicator-" + Guid.NewGuid().ToString("N")[..8];
        var tenants = new[] { NewTenant(), NewTenant(), NewTenant() };
        foreach (var tenant in tenants)
        {
            Assert.NotNull(await storage.Catalog.CreateAsync(tenant, name, Token));
        }

        await storage.Catalog.CreateAsync(tenants[0], name + "x", Token);
        Assert.True(await storage.Catalog.DeleteAsync(tenants[2], name, Token));

        var listed = await storage.Catalog.ListByNameAsync(name, Token);

        Assert.Equal(tenants[..2].Order(StringComparer.Ordinal), listed.Select(r => r.Tenant));
        Assert.All(listed, r => Assert.Equal(name, r.Name));
        Assert.Equal((await storage.Catalog.GetAsync(tenants[1], name, Token))!.Key, listed.Single(r => r.Tenant == tenants[1]).Key);
        Assert.Empty(await storage.Catalog.ListByNameAsync("missing-" + name, Token));
    }

    [Fact]
    public async Task DeleteDatabase_Unknown_ReturnsFalse()
    {
        var storage = await OpenAsync();

        Assert.False(await storage.Catalog.DeleteAsync(NewTenant(), "missing", Token));
    }

    [Fact]
    public async Task DeleteDatabase_RemovesEveryRow_SoARecreatedDatabaseIsEmpty()
    {
        var storage = await OpenAsync();
        var old = await CreateDatabaseAsync(storage, "orders");
        var attachment = new AttachmentContent("md5-old", RandomBytes(100));
        await storage.Writer.CommitAsync(
            old.Key,
            Batch(2, [Doc("a", "1-a", 1), Doc("b", "1-b", 2)], [new("a", "1-a", BodyOf("a", "1-a")), new("b", "1-b", BodyOf("b", "1-b"))], attachments: [attachment], docCountDelta: 2),
            Token);
        await storage.Writer.UpdateLocalAsync(old.Key, new LocalDocumentUpdate("_local/checkpoint", null, false, """{"seq":2}"""), Token);

        Assert.True(await storage.Catalog.DeleteAsync(old.Tenant, "orders", Token));

        Assert.Null(await storage.Catalog.GetAsync(old.Tenant, "orders", Token));
        Assert.DoesNotContain("orders", await storage.Catalog.ListAsync(old.Tenant, Token));
        Assert.Null(await storage.Reader.GetDocumentAsync(old.Key, "a", Token));
        Assert.Null(await storage.Reader.GetBodyAsync(old.Key, "a", "1-a", Token));
        Assert.Null(await storage.Reader.GetAttachmentAsync(old.Key, "md5-old", Token));
        Assert.Null(await storage.Reader.GetLocalAsync(old.Key, "_local/checkpoint", Token));
        Assert.Empty(await ToListAsync(storage.Reader.GetChangesAsync(old.Key, new ChangesQuery(0), Token)));

        var recreated = await storage.Catalog.CreateAsync(old.Tenant, "orders", Token);
        Assert.NotNull(recreated);
        Assert.NotEqual(old.Key, recreated.Key);
        Assert.Equal(0, recreated.UpdateSeq);
        Assert.Equal(0, recreated.DocCount);
        Assert.Empty(await ToListAsync(storage.Reader.GetAllDocsAsync(recreated.Key, new AllDocsQuery(), Token)));
        Assert.Empty(await ToListAsync(storage.Reader.GetChangesAsync(recreated.Key, new ChangesQuery(0), Token)));
        Assert.Null(await storage.Reader.GetAttachmentAsync(recreated.Key, "md5-old", Token));
        Assert.Null(await storage.Reader.GetLocalAsync(recreated.Key, "_local/checkpoint", Token));
    }

    [Fact]
    public async Task Tenants_WithTheSameDatabaseName_AreSeparate()
    {
        var storage = await OpenAsync();
        var (first, second) = (NewTenant(), NewTenant());
        var firstDb = await storage.Catalog.CreateAsync(first, "shared", Token);
        var secondDb = await storage.Catalog.CreateAsync(second, "shared", Token);
        Assert.NotNull(firstDb);
        Assert.NotNull(secondDb);
        Assert.NotEqual(firstDb.Key, secondDb.Key);
        await storage.Catalog.CreateAsync(second, "only-second", Token);

        await CreateDocumentsAsync(storage, firstDb.Key, 1, "doc");

        Assert.Null(await storage.Reader.GetDocumentAsync(secondDb.Key, "doc", Token));
        Assert.Equal(["shared"], await storage.Catalog.ListAsync(first, Token));
        Assert.Equal(["only-second", "shared"], await storage.Catalog.ListAsync(second, Token));
        Assert.Equal(0, (await storage.Catalog.GetAsync(second, "shared", Token))!.UpdateSeq);

        Assert.True(await storage.Catalog.DeleteAsync(first, "shared", Token));
        Assert.NotNull(await storage.Catalog.GetAsync(second, "shared", Token));
    }

    [Fact]
    public async Task SetRevsLimit_IsPersisted()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);

        await storage.Catalog.SetRevsLimitAsync(database.Key, 7, Token);

        Assert.Equal(7, (await storage.Catalog.GetAsync(database.Tenant, database.Name, Token))!.RevsLimit);
    }

    [Fact]
    public async Task SetSecurity_IsPersisted()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        const string security = """{"admins":{"names":["ann"],"roles":[]},"members":{"names":[],"roles":["reader"]}}""";

        await storage.Catalog.SetSecurityAsync(database.Key, security, Token);

        AssertJsonEqual(security, (await storage.Catalog.GetAsync(database.Tenant, database.Name, Token))!.SecurityJson);
    }

    [Fact]
    public async Task SetPublicRead_IsPersistedPerDatabase()
    {
        var storage = await OpenAsync();
        var database = await CreateDatabaseAsync(storage);
        var other = await CreateDatabaseAsync(storage);
        Assert.False(database.PublicRead);

        await storage.Catalog.SetPublicReadAsync(database.Key, true, Token);

        Assert.True((await storage.Catalog.GetAsync(database.Tenant, database.Name, Token))!.PublicRead);
        Assert.False((await storage.Catalog.GetAsync(other.Tenant, other.Name, Token))!.PublicRead);

        await storage.Catalog.SetPublicReadAsync(database.Key, false, Token);

        Assert.False((await storage.Catalog.GetAsync(database.Tenant, database.Name, Token))!.PublicRead);
    }
}
