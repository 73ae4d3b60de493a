import { expect, test } from './fixtures';

test('settings: the OpenAI feed is refused next to its fields until it has what it needs, then published and shown on Publishing with the redirects', async ({ page, server }) => {
  await page.goto(server.signedInUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();

  await page.getByLabel('Website address').fill('https://shop.example.com');
  await page.getByLabel(/OpenAI product feed for ChatGPT shopping/).check();
  const country = page.getByLabel('Sells from (country)');
  await country.fill('UK');
  await page.getByLabel(/Redirects of old product pages/).check();
  await page.getByLabel("Archived and discontinued products' pages").selectOption('collection');
  await page.getByRole('button', { name: 'Save settings' }).click();

  await expect(page.getByRole('alert').filter({ hasText: 'Nothing was saved' })).toBeVisible();
  await expect(country).toHaveAttribute('aria-invalid', 'true');
  await expect(country).toHaveAccessibleDescription(/GB \(not UK\)/);

  await country.fill('GB');
  await page.getByRole('button', { name: 'Save settings' }).click();
  const policy = page.getByLabel('Return policy page');
  await expect(policy).toHaveAttribute('aria-invalid', 'true');
  await expect(policy).toHaveAccessibleDescription(/return policy/);

  await policy.fill('https://shop.example.com/returns');
  await page.getByLabel('Sells to (countries)').fill('gb, ie');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();

  const saved = (await (await fetch(`${server.origin}/api/v1/settings`, { headers: { Authorization: `Bearer ${server.token}` } })).json()) as {
    openAiFeed: { storeCountry: string; targetCountries: string[]; returnPolicyUrl: string };
    discontinuedRedirect: string;
    artifacts: { openAiFeed: boolean; redirects: boolean };
  };
  expect(saved).toMatchObject({ discontinuedRedirect: 'collection', artifacts: { openAiFeed: true, redirects: true } });
  expect(saved.openAiFeed).toMatchObject({ storeCountry: 'GB', targetCountries: ['GB', 'IE'], returnPolicyUrl: 'https://shop.example.com/returns' });

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Publishing' }).click();
  await expect(page.getByTestId('artifact-openAiFeed')).toContainText('OpenAI product feed (ChatGPT)');
  await expect(page.getByTestId('artifact-openAiFeed')).toContainText('Written');
  await expect(page.getByTestId('artifact-redirects')).toContainText('Redirects of old product pages 2 files');
  await expect(page.getByTestId('artifact-redirects')).toContainText('Written');
});
