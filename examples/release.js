// A release task (migrations): runs once, exits 0, and does not stop the rest of the formation.
console.log(`release: migrations for ${process.env.APP_NAME} done`);
