import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';

const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter());
app.enableShutdownHooks();
const [host, port] = (process.env.MIROIR_HTTP_ADDR ?? '0.0.0.0:7700').split(':');
await app.listen(Number(port), host!);
console.log(JSON.stringify({ event: 'listening', url: await app.getUrl() }));
