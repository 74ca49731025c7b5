declare module '@tryghost/content-api';
