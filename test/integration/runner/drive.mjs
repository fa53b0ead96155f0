// Default drive script for `run.mjs shot`: puts Continuum's workbench into the state to screenshot.
// Receives the Playwright page (workbench loaded with the development extension) and helpers.
export default async function drive(page, { log }) {
  // our status-bar item (element id <extension id>.<item id>) => the extension is active
  await page.waitForSelector('[id="continuum.continuum.continuum.session"], .statusbar-item:has-text("Continuum")', { timeout: 60000 });
  log('status bar item visible');
  // open the Continuum view container from the activity bar, like a user
  await page.locator('.activitybar [aria-label^="Continuum"]').first().click();
  await page.waitForSelector('.welcome-view-content:has-text("No tasks yet")', { timeout: 30000 });
  log('Tasks view with welcome content visible');
}
