using System.Net;
using Tessera.Gateway.IntegrationTests.Infrastructure;

namespace Tessera.Gateway.IntegrationTests;

public sealed partial class EchoGatewayTests
{
    [Fact]
    public async Task RateLimit_LowPlanTenant_Gets429WithRetryAfter_WhileOtherTenantIsServed()
    {
        using var client = fixture.Gateway.CreateClient();

        // Tenant "slow" may send 1 request per second after a burst of 2: within 10 quick requests one must be refused.
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 10 && refused is null; i++)
        {
            var response = await client.GetAsync("t/slow/db/doc", Cancel);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            var retryAfter = refused.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
            await CouchErrorAssert.IsErrorAsync(refused, HttpStatusCode.TooManyRequests, "too_many_requests");
        }

        // Another tenant, same moment, same client: served.
        for (var i = 0; i < 5; i++)
        {
            using var other = await client.GetAsync("t/other/db/doc", Cancel);
            var echo = await CouchErrorAssert.EchoAsync(other);
            Assert.Equal("/t/other/db/doc", echo.Path);
        }
    }

    [Fact]
    public async Task RateLimit_PlanClaimOfToken_WinsOverConfiguredPlan()
    {
        using var client = fixture.Gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", fixture.Issuer.CreateToken("planned", plan: "tiny"));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10 && !statuses.Contains(HttpStatusCode.TooManyRequests); i++)
        {
            using var response = await client.GetAsync("t/planned/db", Cancel);
            statuses.Add(response.StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"unexpected {s}"));
    }

    [Fact]
    public async Task ConcurrencyLimit_SecondRequestWhileFirstIsInFlight_Gets429()
    {
        using var client = fixture.Gateway.CreateClient();
        var held = await client.GetAsync("t/solo/db/_hold", HttpCompletionOption.ResponseHeadersRead, Cancel);
        try
        {
            await fixture.Data.WaitForHeldAsync(1, Cancel);

            using var second = await client.GetAsync("t/solo/db/doc", Cancel);
            await CouchErrorAssert.IsErrorAsync(second, HttpStatusCode.TooManyRequests, "too_many_requests");
            Assert.NotNull(second.Headers.RetryAfter);
        }
        finally
        {
            fixture.Data.ReleaseHeld();
            held.Dispose();
        }

        // The slot is free again once the held request ended.
        await WaitUntilServedAsync(client, "t/solo/db/doc");
    }

    [Fact]
    public async Task ConcurrencyLimit_OpenContinuousFeeds_HoldNoSlot()
    {
        using var client = fixture.Gateway.CreateClient();
        var feeds = new List<HttpResponseMessage>();
        try
        {
            // Tenant "solo" may have one request in flight; three open feeds must not use it up.
            for (var i = 0; i < 3; i++)
            {
                var feed = await client.GetAsync("t/solo/db/_changes?feed=continuous&since=now", HttpCompletionOption.ResponseHeadersRead, Cancel);
                Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
                feeds.Add(feed);
            }

            await fixture.Data.WaitForHeldAsync(3, Cancel);
            using var response = await client.GetAsync("t/solo/db/doc", Cancel);
            var echo = await CouchErrorAssert.EchoAsync(response);
            Assert.Equal("/t/solo/db/doc", echo.Path);
        }
        finally
        {
            fixture.Data.ReleaseHeld();
            feeds.ForEach(f => f.Dispose());
        }
    }

    [Fact]
    public async Task Limits_RequestsWithoutTenant_AreNotLimited()
    {
        using var client = fixture.Gateway.CreateClient();
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync(".well-known/openid-configuration", Cancel);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    /// <summary>The held request's slot is released when its response ends, a moment after the client saw the end.</summary>
    private static async Task WaitUntilServedAsync(HttpClient client, string path)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            using var response = await client.GetAsync(path, deadline.Token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            await Task.Delay(20, deadline.Token);
        }
    }
}
